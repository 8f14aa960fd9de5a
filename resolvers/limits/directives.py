"""Directives: at most so many uses per document (graphql-armor's default is 50), and none
repeated at one place. graphql-cop's "directive overloading" writes ``@aa`` ten times on one
field and counts one error per use; refused here, it gets one error, before the spec rules
(KnownDirectivesRule, UniqueDirectivesPerLocationRule) would report each use."""

from __future__ import annotations

from typing import Any

from graphql import DirectiveNode, DocumentNode, GraphQLError, GraphQLSchema, Node, Visitor, visit

from resolvers.limits import errors


class _Counter(Visitor):
    def __init__(self, schema: GraphQLSchema) -> None:
        super().__init__()
        self.schema = schema
        self.count = 0
        self.repeated: DirectiveNode | None = None

    def enter(self, node: Node, *_args: Any) -> None:
        uses: tuple[DirectiveNode, ...] = tuple(getattr(node, "directives", None) or ())
        self.count += len(uses)
        seen: set[str] = set()
        for use in uses:
            name = use.name.value
            definition = self.schema.get_directive(name)
            repeatable = definition is not None and definition.is_repeatable
            if name in seen and not repeatable and self.repeated is None:
                self.repeated = use
            seen.add(name)


def check(document: DocumentNode, schema: GraphQLSchema, limit: int) -> list[GraphQLError]:
    counter = _Counter(schema)
    visit(document, counter)
    refused: list[GraphQLError] = []
    if counter.repeated is not None:
        name = counter.repeated.name.value
        refused.append(
            errors.refusal(
                errors.DUPLICATE_DIRECTIVE,
                f"directive '@{name}' is repeated at one location",
                f"指令 '@{name}' 在同一位置重复使用",
                counter.repeated,
                directive=name,
            )
        )
    if counter.count > limit:
        refused.append(
            errors.refusal(
                errors.DIRECTIVE_LIMIT,
                f"the operation uses {counter.count} directives; at most {limit} are allowed",
                f"查询使用了 {counter.count} 个指令，最多允许 {limit} 个",
                directives=counter.count,
                limit=limit,
            )
        )
    return refused
