"""The root types and the schema. They live here, not in ``schema/``, because they bind
resolvers to fields and ``schema/`` imports nothing above it (DESIGN.md layers)."""

from __future__ import annotations

import strawberry

from resolvers import viewer as viewer_resolvers
from resolvers import vocabulary
from resolvers.transaction import RequestTransaction
from schema.viewer import Viewer
from schema.vocabulary import Term


@strawberry.type
class Query:
    viewer: Viewer = strawberry.field(
        resolver=viewer_resolvers.viewer, description="当前用户 / who is asking"
    )
    service_categories: list[Term] = strawberry.field(
        resolver=vocabulary.service_categories,
        description="服务内容类别（5.1 a–f）/ the six service categories of clause 5.1",
    )


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=[RequestTransaction])
