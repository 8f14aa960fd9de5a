"""Introspection off (production default): ``__schema`` and ``__type`` are refused wherever
they appear. Names starting with ``__`` are reserved by the spec, so the check needs no types
and runs with the structural limits. ``__typename`` stays: clients rely on it for unions.

With introspection on, graphql-core's MaxIntrospectionDepthRule still refuses the circular
``types { fields { type { fields …`` queries (INTROSPECTION_TOO_DEEP, guard.py)."""

from __future__ import annotations

from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLError, Visitor, visit

from resolvers.limits import errors
from resolvers.limits.walk import INTROSPECTION_FIELDS


class _Finder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[FieldNode] = []

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.found.append(node)


def check(document: DocumentNode) -> GraphQLError | None:
    finder = _Finder()
    visit(document, finder)
    if not finder.found:
        return None
    return errors.refusal(
        errors.INTROSPECTION_DISABLED,
        "introspection is disabled on this server; the schema is published as "
        "schema/schema.graphql",
        "本服务器已关闭自省查询（introspection）；接口定义见 schema/schema.graphql",
        finder.found,
    )
