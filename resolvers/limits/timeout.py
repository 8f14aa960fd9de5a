"""A statement timeout per request (PostgreSQL): no statement of the request's transaction
runs longer than the limit, whatever slipped past the cost estimate.

``set_config(..., true)`` is ``SET LOCAL`` as a function call, its value an integer of the
settings written into a fixed text, sent in the same message as the transaction's BEGIN
(``arm``): it holds until the request's transaction ends, which RequestTransaction does once,
at the end, and it
survives the SAVEPOINTs of mutations. It is issued when execution starts, after validation,
so a refused operation costs no round trip. SQLite has no equivalent: a long statement there
runs to its end (the embedded database serves demos and tests, not production).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension

from resolvers.context import RequestContext
from resolvers.limits import errors
from services.errors import DomainError
from store.alone import ReadTimedOut
from store.database import BeginWithSetting

QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled by the timeout


class StatementTimedOut(DomainError):
    code = errors.STATEMENT_TIMEOUT


def _timed_out(error: GraphQLError) -> bool:
    original = error.original_error
    if isinstance(original, ReadTimedOut):
        return True  # the driver's limit on a statement sent alone (store/alone.py)
    if not isinstance(original, DBAPIError):
        return False
    state = getattr(original.orig, "sqlstate", None) or getattr(original.orig, "pgcode", None)
    return state == QUERY_CANCELED


def _refusal(error: GraphQLError, milliseconds: int) -> GraphQLError:
    cause = StatementTimedOut(
        f"数据库语句执行超过 {milliseconds} 毫秒，已中止；请缩小查询范围（减少条数或嵌套）",
        f"a database statement ran longer than {milliseconds} ms and was cancelled; "
        "ask for fewer rows or less nesting",
    )
    # A DomainError as the original: resolvers.masking lets it through with its code.
    return GraphQLError(
        cause.message_en,
        error.nodes,
        path=error.path,
        original_error=cause,
        extensions={"code": cause.code, "messageZh": cause.message_zh, "limitMs": milliseconds},
    )


def _setting(milliseconds: int) -> str:
    return f"SELECT set_config('statement_timeout', '{int(milliseconds)}ms', true)"


class Armed:
    """A timeout in force on a request's transaction; ``disarm`` when the request ends."""

    __slots__ = ("_pending",)

    def __init__(self, pending: BeginWithSetting | None) -> None:
        self._pending = pending  # the connection whose next BEGIN carries it, if not sent

    def disarm(self) -> None:
        """Drop the setting if no BEGIN took it (the request sent no statement), so the
        pooled connection's next user does not inherit it."""
        if self._pending is not None:
            self._pending.with_begin = None


async def arm(session: AsyncSession, milliseconds: int) -> Armed | None:
    """Put the timeout on ``session``'s transaction (PostgreSQL, a positive limit; else None).
    Before the transaction's first statement it rides on its BEGIN (no round trip of its own,
    store/database.BeginWithSetting); once begun (a mutation's writer transaction, a test's
    outer one) it is a statement of its own."""
    if milliseconds <= 0 or session.get_bind().dialect.name != "postgresql":
        return None
    statement = _setting(milliseconds)
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    adapter: Any = raw.dbapi_connection
    if (
        isinstance(driver, BeginWithSetting)
        and not driver.is_in_transaction()
        and getattr(adapter, "isolation_level", None) != "autocommit"
    ):
        driver.with_begin = statement
        return Armed(driver)
    # Straight to the driver: a fixed text (an int from the settings), nothing for
    # SQLAlchemy to compile or look up on every request.
    await connection.exec_driver_sql(statement)
    return Armed(None)


def refusals(found: list[GraphQLError], milliseconds: int) -> list[GraphQLError]:
    """The errors, a statement cancelled by the timeout given its own code."""
    return [_refusal(e, milliseconds) if _timed_out(e) else e for e in found]


class StatementTimeout(SchemaExtension):
    def __init__(self, milliseconds: int) -> None:
        self.milliseconds = milliseconds

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        armed = None
        if isinstance(context, RequestContext):
            armed = await arm(context.session, self.milliseconds)
        try:
            yield
        finally:
            if armed is not None:
                armed.disarm()
        result = self.execution_context.result
        found = getattr(result, "errors", None)
        if armed is not None and found:
            found[:] = refusals(found, self.milliseconds)
