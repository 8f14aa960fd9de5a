"""The statement timeout (resolvers/limits/timeout.py) on both backends: PostgreSQL cancels a
statement past it and the client gets STATEMENT_TIMEOUT, not a masked error; SQLite has no
such setting, so there the extension sets nothing and a long statement runs to its end."""

from __future__ import annotations

import strawberry
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resolvers.context import Info
from resolvers.limits.timeout import StatementTimeout
from resolvers.masking import mask_errors
from resolvers.transaction import RequestTransaction
from tests.resolvers.conftest import WRITER, request_context

# Longer than a 50 ms timeout: 2 s of sleep on PostgreSQL, about 0.2 s of counting on SQLite.
SLOW = {
    "postgresql": "SELECT pg_sleep(2)",
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)"
    " SELECT count(*) FROM n",
}


def _backend(info: Info) -> str:
    return info.context.session.get_bind().dialect.name


@strawberry.type
class Query:
    @strawberry.field
    async def timeout(self, info: Info) -> str:
        if _backend(info) != "postgresql":
            return "none"
        return str((await info.context.session.execute(text("SHOW statement_timeout"))).scalar())

    @strawberry.field
    async def slow(self, info: Info) -> bool:
        await info.context.session.execute(text(SLOW[_backend(info)]))
        return True


def schema(milliseconds: int) -> strawberry.Schema:
    return strawberry.Schema(
        Query,
        extensions=[mask_errors, RequestTransaction, lambda: StatementTimeout(milliseconds)],
    )


async def test_the_timeout_holds_for_the_request(
    sessions: async_sessionmaker[AsyncSession], backend: str
) -> None:
    context = request_context(sessions(), WRITER)
    result = await schema(1500).execute("{ timeout }", context_value=context)
    assert result.errors is None
    assert result.data == {"timeout": "1500ms" if backend == "postgresql" else "none"}


async def test_zero_sets_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    context = request_context(sessions(), WRITER)
    result = await schema(0).execute("{ timeout }", context_value=context)
    assert result.data is not None
    assert result.data["timeout"] in ("0", "none")  # the server's default: no timeout


async def test_a_statement_past_the_timeout(
    sessions: async_sessionmaker[AsyncSession], backend: str
) -> None:
    context = request_context(sessions(), WRITER)
    result = await schema(50).execute("{ slow }", context_value=context)
    if backend != "postgresql":
        assert result.errors is None  # SQLite: nothing to cancel it (README)
        return
    assert result.errors is not None
    error = result.errors[0]
    assert error.extensions is not None
    assert error.extensions["code"] == "STATEMENT_TIMEOUT"
    assert "50 ms" in error.message
    assert "50 毫秒" in error.extensions["messageZh"]
