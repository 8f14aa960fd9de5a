"""Depth: the fields on the longest path, so ``{ viewer { name } }`` is 2.

A Relay connection spends two levels (``edges { node``), so 10 leaves room for a connection
nested in a connection plus two to-one hops: deeper than the portal and dashboards ask.
"""

from __future__ import annotations

from graphql import DocumentNode, GraphQLError

from resolvers.limits import errors
from resolvers.limits.walk import fold


def depth(document: DocumentNode) -> int:
    return fold(document, lambda _field, inner: 1 + inner, lambda values: max(values, default=0))


def check(document: DocumentNode, limit: int) -> GraphQLError | None:
    found = depth(document)
    if found <= limit:
        return None
    return errors.refusal(
        errors.DEPTH_LIMIT,
        f"the operation is {found} fields deep; at most {limit} are allowed",
        f"查询嵌套 {found} 层，最多允许 {limit} 层",
        depth=found,
        limit=limit,
    )
