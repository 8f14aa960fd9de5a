"""Field selections, duplicates included: ``{ __typename __typename … }`` 500 times (graphql-cop's
"field duplication") costs nothing to answer but quadratic time to validate
(OverlappingFieldsCanBeMergedRule compares every pair), so it is refused before that rule runs.
The widest record type has 24 fields; 250 selections cover a record with its relations."""

from __future__ import annotations

from graphql import DocumentNode, GraphQLError

from resolvers.limits import errors
from resolvers.limits.walk import fold


def fields(document: DocumentNode) -> int:
    return fold(document, lambda _field, inner: 1 + inner, sum)


def check(document: DocumentNode, limit: int) -> GraphQLError | None:
    found = fields(document)
    if found <= limit:
        return None
    return errors.refusal(
        errors.FIELD_LIMIT,
        f"the operation selects {found} fields; at most {limit} are allowed",
        f"查询选择了 {found} 个字段，最多允许 {limit} 个",
        fields=found,
        limit=limit,
    )
