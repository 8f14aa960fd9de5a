"""The root types and the schema. They live here, not in ``schema/``, because they bind
resolvers to fields and ``schema/`` imports nothing above it (DESIGN.md layers).

Each area contributes its own root-field class (``XQuery`` / ``XMutation``); this module only
merges them, so areas never edit each other's files.
"""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from resolvers import viewer as viewer_resolvers
from resolvers import vocabulary
from resolvers.transaction import RequestTransaction
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


QUERY_PARTS: tuple[type, ...] = (CoreQuery,)
MUTATION_PARTS: tuple[type, ...] = ()

Query = merge_types("Query", QUERY_PARTS)
Mutation = merge_types("Mutation", MUTATION_PARTS) if MUTATION_PARTS else None


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=[RequestTransaction])
