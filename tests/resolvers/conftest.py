"""Schema-level GraphQL tests (EXAMPLES #11): the real schema, executed with a request
context whose session joins the test's rolled-back transaction, on both backends."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import ExecutionResult

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from resolvers.context import RequestContext
from resolvers.root import build_schema
from services.identity import Identity, RoleGrant
from store.enums import Role

# The default policy, as the writes of these tests are authorized (their reads are not
# scoped: tests/policies covers that).
DECISIONS = Decisions(default_rules())

# A principal with no subject: the policy lets it write nothing (mutation tests use the
# scene's writers, tests/resolvers/mutations/conftest.py).
WRITER = Identity(
    name="insurer-system", display_name="保险机构系统", grants=(RoleGrant(role=Role.INSURER),)
)


class Execute(Protocol):
    def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        identity: Identity | None = None,
    ) -> Awaitable[ExecutionResult]: ...


@pytest.fixture(scope="session")
def schema() -> strawberry.Schema:
    return build_schema()


def request_context(session: AsyncSession, identity: Identity) -> RequestContext:
    request = Request({"type": "http", "method": "POST", "path": "/graphql", "headers": []})
    return RequestContext(
        request=request,
        response=Response(),
        session=session,
        identity=identity,
        access=Scope(identity, DECISIONS.decide),
    )


@pytest.fixture
def execute(schema: strawberry.Schema, sessions: async_sessionmaker[AsyncSession]) -> Execute:
    """Run one operation in its own session, as a request would: the RequestTransaction
    extension commits (a SAVEPOINT release here) or rolls back, then closes it."""

    async def run(
        query: str, variables: dict[str, Any] | None = None, *, identity: Identity | None = None
    ) -> ExecutionResult:
        context = request_context(sessions(), identity or WRITER)
        return await schema.execute(query, variable_values=variables, context_value=context)

    return run
