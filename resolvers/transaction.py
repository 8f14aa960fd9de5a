"""The request owns the transaction (EXAMPLES #3): commit once if the operation succeeded,
roll back everything if any field failed, and always close the session."""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension

from resolvers.context import RequestContext


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
            else:
                await session.commit()
        finally:
            await session.close()
