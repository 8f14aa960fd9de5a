"""Running GraphQL at the schema level against a session, counting SQL statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import ExecutionResult

from resolvers.context import RequestContext
from resolvers.root import build_schema
from services.identity import PUBLIC
from store.repositories.base import EVERYTHING, RowScope

SCHEMA = build_schema()


# Transaction control the test harness adds around each request (savepoints), not queries.
_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


class Statements:
    def __init__(self) -> None:
        self.sql: list[str] = []

    @property
    def queries(self) -> list[str]:
        return [q for q in self.sql if not q.lstrip().upper().startswith(_CONTROL)]

    @property
    def count(self) -> int:
        """Statements that read or write, not counting transaction control."""
        return len(self.queries)


@contextmanager
def counting(session: AsyncSession) -> Iterator[Statements]:
    """Every statement the session's connection executes inside the block."""
    seen = Statements()
    engine = session.get_bind()
    sync = engine.sync_engine if hasattr(engine, "sync_engine") else engine

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.sql.append(statement)

    event.listen(sync, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(sync, "before_cursor_execute", record)


async def run(
    session: AsyncSession,
    query: str,
    variables: dict[str, Any] | None = None,
    scope: RowScope = EVERYTHING,
) -> ExecutionResult:
    context = RequestContext(
        request=None,  # type: ignore[arg-type]
        response=None,  # type: ignore[arg-type]
        session=session,
        identity=PUBLIC,
        scope=scope,
        # Schema-level tests read everything as an internal caller would: no small-cell
        # suppression of the public's stats (services/stats_suppression.py; tested apart).
        public_min_cell_units=0,
    )
    return await SCHEMA.execute(query, variable_values=variables, context_value=context)


async def data(session: AsyncSession, query: str, variables: dict[str, Any] | None = None) -> Any:
    result = await run(session, query, variables)
    assert result.errors is None, result.errors
    return result.data


def error_codes(result: ExecutionResult) -> list[str]:
    return [(e.extensions or {}).get("code", "?") for e in result.errors or []]
