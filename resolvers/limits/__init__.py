"""Operation limits (issue 4, item 5; OWASP GraphQL cheat sheet, graphql-armor defaults):
what one GraphQL operation may ask of the server. HTTP-level limits (body size, content type,
batching, rate) are in server/limits.py; the values come from the settings."""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import SchemaExtension

from resolvers.limits.config import OperationLimits
from resolvers.limits.documents import KnownDocuments
from resolvers.limits.guard import OperationGuard
from resolvers.limits.suggestions import ExecutionWithoutSuggestions
from resolvers.limits.timeout import StatementTimeout

__all__ = [
    "ExecutionWithoutSuggestions",
    "KnownDocuments",
    "OperationGuard",
    "OperationLimits",
    "StatementTimeout",
    "extensions",
]


def extensions(
    limits: OperationLimits, known: KnownDocuments | None = None
) -> list[Callable[[], SchemaExtension]]:
    """Factories, as build_schema wants them: each request gets its own instances, which
    share the schema's known documents (``known``: the server's, which its fast path reads,
    resolvers/fast_path.py)."""
    known = known if known is not None else KnownDocuments()
    return [
        lambda: OperationGuard(limits, known),
        lambda: StatementTimeout(limits.statement_timeout_ms),
    ]
