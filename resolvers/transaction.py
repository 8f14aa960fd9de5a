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
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from resolvers.context import RequestContext

logger = logging.getLogger(__name__)


class RequestTransaction(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if not isinstance(context, RequestContext):
            return
        session = context.session
        try:
            result = self.execution_context.result
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
