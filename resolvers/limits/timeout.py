"""A statement timeout per request (PostgreSQL): no statement of the request's transaction
runs longer than the limit, whatever slipped past the cost estimate.

``set_config(..., true)`` is ``SET LOCAL`` as a function call, its value an integer of the
settings written into a fixed text (sent to the driver as it is): it holds until the request's
transaction ends, which RequestTransaction does once, at the end, and it
survives the SAVEPOINTs of mutations. It is issued when execution starts, after validation,
so a refused operation costs no round trip. SQLite has no equivalent: a long statement there
runs to its end (the embedded database serves demos and tests, not production).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError
from strawberry.extensions import SchemaExtension

from resolvers.context import RequestContext
from resolvers.limits import errors
from services.errors import DomainError

QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled by the timeout


class StatementTimedOut(DomainError):
    code = errors.STATEMENT_TIMEOUT


def _timed_out(error: GraphQLError) -> bool:
    original = error.original_error
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


class StatementTimeout(SchemaExtension):
    def __init__(self, milliseconds: int) -> None:
        self.milliseconds = milliseconds
        self._statement = f"SELECT set_config('statement_timeout', '{int(milliseconds)}ms', true)"

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        active = (
            self.milliseconds > 0
            and isinstance(context, RequestContext)
            and context.session.get_bind().dialect.name == "postgresql"
        )
        if active:
            assert isinstance(context, RequestContext)
            # Straight to the driver: a fixed text (an int from the settings), nothing for
            # SQLAlchemy to compile or look up on every request.
            connection = await context.session.connection()
            await connection.exec_driver_sql(self._statement)
        yield
        result = self.execution_context.result
        found = getattr(result, "errors", None)
        if active and found:
            found[:] = [_refusal(e, self.milliseconds) if _timed_out(e) else e for e in found]
