"""One audit log entry per executed GraphQL operation (审计日志, services/audit.py).

The root fields collect what they return into the context while they run (compiled reads:
the rows of every level and their units, from their own statement; ``search`` and
``findings``: the rows their hits and findings show; ``stats``: the number of groups;
mutations: the row written). When the operation is over — after RequestTransaction has
committed or rolled back, so a mutation whose transaction did not hold records no row — the
entry is handed to the server's write-behind writer. Nothing here touches the request's
session.

An operation refused before execution (a parse error, a failed validation, an operation
limit) leaves no entry: it returned nothing. Neither does a request refused before GraphQL
runs at all (authentication, rate limit, body size; README, "Audit log").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from resolvers.context import RequestContext
from services.audit import AuditOperationKind, entry_for


class AuditTrail(SchemaExtension):
    def __init__(self) -> None:
        self._executed = False

    async def on_operation(self) -> AsyncIterator[None]:
        at = datetime.now(UTC)
        yield
        context = self.execution_context.context
        if not self._executed or not isinstance(context, RequestContext):
            return
        await record_operation(
            context,
            at=at,
            kind=self._kind(),
            failed=bool(getattr(self.execution_context.result, "errors", None)),
            operation_name=self.execution_context.operation_name,
            document=self.execution_context.query or "",
            variables=self.execution_context.variables,
        )

    def on_execute(self) -> Iterator[None]:
        self._executed = True
        yield

    def _kind(self) -> AuditOperationKind:
        try:
            mutation = self.execution_context.operation_type is OperationType.MUTATION
        except Exception:  # an unknown operation name: execution answered with an error
            mutation = False
        return AuditOperationKind.MUTATION if mutation else AuditOperationKind.QUERY


async def record_operation(
    context: RequestContext,
    *,
    at: datetime,
    kind: AuditOperationKind,
    failed: bool,
    operation_name: str | None,
    document: str,
    variables: dict[str, Any] | None,
) -> None:
    """Hand the executed operation's entry to the writer (shared with the fast path,
    resolvers/fast_path.py); nothing without a writer."""
    if context.audit_log is None:
        return
    if kind is AuditOperationKind.MUTATION and failed:
        context.audit.rolled_back()  # RequestTransaction rolled the writes back
    entry = entry_for(
        context.identity,
        at=at,
        kind=kind,
        operation_name=operation_name,
        document=document,
        variables=variables,
        audit=context.audit,
    )
    await context.audit_log.submit(entry)  # waits while the writer's queue is full
