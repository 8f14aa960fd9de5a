"""Aliases: each one makes the server resolve a field again under another name, the lever of
"alias overloading" (graphql-cop sends 101). Counted once per fragment spread, __typename
included (graphql-armor exempts it; here no client needs to alias it)."""

from __future__ import annotations

from graphql import DocumentNode, GraphQLError

from resolvers.limits import errors
from resolvers.limits.walk import fold


def aliases(document: DocumentNode) -> int:
    return fold(
        document,
        lambda field, inner: inner + (1 if field.alias is not None else 0),
        sum,
        skip_introspection=False,
    )


def check(document: DocumentNode, limit: int) -> GraphQLError | None:
    found = aliases(document)
    if found <= limit:
        return None
    return errors.refusal(
        errors.ALIAS_LIMIT,
        f"the operation uses {found} aliases; at most {limit} are allowed",
        f"查询使用了 {found} 个别名，最多允许 {limit} 个",
        aliases=found,
        limit=limit,
    )
