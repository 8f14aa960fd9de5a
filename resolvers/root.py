"""The root types and the schema. They live here, not in ``schema/``, because they bind
resolvers to fields and ``schema/`` imports nothing above it (DESIGN.md layers).

Each area contributes its own root-field class (``XQuery`` / ``XMutation``); this module only
merges them, so areas never edit each other's files.
"""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from resolvers import limits, mutations, vocabulary
from resolvers import viewer as viewer_resolvers
from resolvers.archive import ArchiveQuery
from resolvers.audit import AuditQuery
from resolvers.audit_trail import AuditTrail
from resolvers.compiled.execution import CompiledExecutionContext
from resolvers.compiled.root import RECORD_TYPES, RecordQuery
from resolvers.findings import FindingsQuery
from resolvers.limits import OperationLimits
from resolvers.masking import mask_errors
from resolvers.search import SearchQuery
from resolvers.stats import StatsQuery
from resolvers.transaction import RequestTransaction
from schema.scalars import SCALAR_MAP
from schema.viewer import Viewer
from schema.vocabulary import Term


@strawberry.type
class CoreQuery:
    viewer: Viewer = strawberry.field(
        resolver=viewer_resolvers.viewer, description="当前用户 / who is asking"
    )
    service_categories: list[Term] = strawberry.field(
        resolver=vocabulary.service_categories,
        description="服务内容类别（5.1 a–f）/ the six service categories of clause 5.1",
    )


QUERY_PARTS: tuple[type, ...] = (
    CoreQuery,
    RecordQuery,
    StatsQuery,
    FindingsQuery,
    AuditQuery,
    SearchQuery,
    ArchiveQuery,
)
MUTATION_PARTS: tuple[type, ...] = (*mutations.PARTS,)

Query = merge_types("Query", QUERY_PARTS)
Mutation = merge_types("Mutation", MUTATION_PARTS) if MUTATION_PARTS else None


def build_schema(
    operation_limits: OperationLimits | None = None, known: limits.KnownDocuments | None = None
) -> strawberry.Schema:
    """The schema; with ``operation_limits`` (the server passes its settings') it refuses what
    they forbid. Without, as for the SDL export and schema-level tests, nothing is limited.
    ``known``: the documents that passed the limits, shared with the server's fast path."""
    guards: list[Callable[[], SchemaExtension]] = []
    # Compiled read fields return finished subtrees; this executor skips completing them.
    executor: type[CompiledExecutionContext] = CompiledExecutionContext
    if operation_limits is not None:
        guards = limits.extensions(operation_limits, known)
        if not operation_limits.suggestions:
            executor = limits.ExecutionWithoutSuggestions
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        # Order matters: RequestTransaction exits first (commit or roll back), then
        # MaskErrors masks whatever went wrong, a failed commit included (resolvers.masking).
        # Factories, not instances: each request gets its own (an instance would be shared).
        # AuditTrail sits before RequestTransaction so it exits after it: it records what
        # the transaction kept (resolvers.audit_trail).
        extensions=[mask_errors, AuditTrail, RequestTransaction, *guards],
        # Decimal as a string that refuses JSON floats (money, ratios).
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        types=RECORD_TYPES,
        execution_context_class=executor,
    )
