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

from resolvers.context import RequestContext
from resolvers.root import build_schema
from services.identity import Identity, RoleGrant
from store.enums import Role

# The principal of the schema-level tests; only its name matters until issue 4 (it owns the
# idempotency keys).
WRITER = Identity(
    name="insurer-system", display_name="保险机构系统", grants=(RoleGrant(role=Role.INSURER),)
)


class Execute(Protocol):
    def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        identity: Identity = WRITER,
    ) -> Awaitable[ExecutionResult]: ...


@pytest.fixture(scope="session")
def schema() -> strawberry.Schema:
    return build_schema()


def request_context(session: AsyncSession, identity: Identity) -> RequestContext:
    request = Request({"type": "http", "method": "POST", "path": "/graphql", "headers": []})
    return RequestContext(request=request, response=Response(), session=session, identity=identity)


@pytest.fixture
def execute(schema: strawberry.Schema, sessions: async_sessionmaker[AsyncSession]) -> Execute:
    """Run one operation in its own session, as a request would: the RequestTransaction
    extension commits (a SAVEPOINT release here) or rolls back, then closes it."""

    async def run(
        query: str, variables: dict[str, Any] | None = None, *, identity: Identity = WRITER
    ) -> ExecutionResult:
        context = request_context(sessions(), identity)
        return await schema.execute(query, variable_values=variables, context_value=context)

    return run
