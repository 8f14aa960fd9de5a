"""One linear walk over a document's selections, shared by the depth, alias and field limits.

Fragment spreads are expanded in place, as execution expands them, so a fragment spread ten
times counts ten times (the amplification of strawberry advisory GHSA-fr49-mhgj-crfc). Each
fragment is still measured only once and its value reused: a document of fragments that each
spread the next one twice measures in linear time, where naive expansion takes 2ⁿ steps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

# Introspection is governed by its own switch and by graphql-core's MaxIntrospectionDepthRule;
# GraphiQL's schema query is deeper and wider than any limit fit for data (graphql-armor
# ignores introspection the same way).
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})

FieldValue = Callable[[FieldNode, int], int]  # a field's value, given its selection set's
Combine = Callable[[Sequence[int]], int]  # a selection set's value, given its selections'


def fold(
    document: DocumentNode,
    field: FieldValue,
    combine: Combine,
    *,
    skip_introspection: bool = True,
) -> int:
    """Every operation of the document folded into one number.

    A spread of an unknown fragment, or one that closes a cycle, counts as an empty selection
    set: validation refuses the document anyway (fragments.py, KnownFragmentNamesRule).
    """
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    measured: dict[str, int] = {}
    entered: set[str] = set()

    def selection_set(node: SelectionSetNode | None) -> int:
        values: list[int] = []
        for selection in node.selections if node is not None else ():
            if isinstance(selection, FieldNode):
                if skip_introspection and selection.name.value in INTROSPECTION_FIELDS:
                    continue
                values.append(field(selection, selection_set(selection.selection_set)))
            elif isinstance(selection, InlineFragmentNode):
                values.append(selection_set(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                values.append(spread(selection.name.value))
        return combine(values)

    def spread(name: str) -> int:
        if name in measured:
            return measured[name]
        fragment = fragments.get(name)
        if fragment is None or name in entered:
            return combine(())
        entered.add(name)
        measured[name] = selection_set(fragment.selection_set)
        entered.discard(name)
        return measured[name]

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return combine([selection_set(op.selection_set) for op in operations])
