"""The request owns the transaction (EXAMPLES #3): commit once if the operation succeeded,
roll back everything if any field failed, and always close the session.

A mutation field answering with a typed refusal (``InputErrors``, ``NotFound``, ``Conflict``)
is not a failure here: it already rolled back its own SAVEPOINT (resolvers.mutations.outcome),
so the commit holds only what the operation's successful fields wrote.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers.context import RequestContext
from store.database import begin_write

logger = logging.getLogger(__name__)


class RequestTransaction(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        # A mutation's transaction begins as a writer's, before its resolvers read: on
        # SQLite a write after a read can otherwise be refused when another connection
        # committed in between (store.database.begin_write). Queries stay lock-free.
        context = self.execution_context.context
        if isinstance(context, RequestContext) and self._is_mutation():
            await begin_write(context.session)
        yield

    def _is_mutation(self) -> bool:
        try:
            return self.execution_context.operation_type is OperationType.MUTATION
        except Exception:  # an unknown operation name: execution answers with an error
            return False

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if not isinstance(context, RequestContext):
            return
        await end_transaction(context.session, self.execution_context.result)


async def end_transaction(session: AsyncSession, result: object) -> None:
    """Commit if the operation succeeded, roll back if anything failed, close the session;
    a failed commit empties the result (shared with the fast path, resolvers/fast_path.py)."""
    try:
        if not session.in_transaction():
            return  # nothing was begun (a read sent alone, store/alone.py): nothing to end
        failed = result is None or bool(getattr(result, "errors", None))
        if failed:
            await session.rollback()
            return
        try:
            await session.commit()
        except Exception as exc:
            # Nothing was stored, so the answer must not claim otherwise. The error is
            # put into the result rather than raised: MaskErrors, listed before this
            # extension, exits after it and masks the database's message.
            logger.exception("commit failed")
            if isinstance(result, ExecutionResult | GraphQLExecutionResult):
                result.data = None
                result.errors = [GraphQLError(str(exc), original_error=exc)]
            else:
                raise
    finally:
        await session.close()
