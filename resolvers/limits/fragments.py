"""Fragment cycles (``fragment A { ...B } fragment B { ...A }``): expanding one never ends.
graphql-core's NoFragmentCyclesRule refuses them too, but only in the second validation pass;
found here, they are refused with the other structural limits, before any spec rule runs."""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)

from resolvers.limits import errors


def _spreads(selection_set: SelectionSetNode) -> set[str]:
    """Names of the fragments spread anywhere inside (iterative: nesting is attacker-chosen)."""
    names: set[str] = set()
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.add(selection.name.value)
            elif (
                isinstance(selection, FieldNode | InlineFragmentNode)
                and selection.selection_set is not None
            ):
                stack.append(selection.selection_set)
    return names


def cycle(document: DocumentNode) -> str | None:
    """The name of a fragment that spreads itself, directly or through others; else None."""
    graph = {
        d.name.value: _spreads(d.selection_set)
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    done: set[str] = set()
    for start in graph:
        if start in done:
            continue
        # Depth-first with an explicit stack; ``path`` holds the fragments being expanded.
        path: list[str] = [start]
        pending: list[list[str]] = [sorted(graph[start])]
        while pending:
            if not pending[-1]:
                done.add(path.pop())
                pending.pop()
                continue
            name = pending[-1].pop()
            if name in path:
                return name
            if name in done or name not in graph:
                continue
            path.append(name)
            pending.append(sorted(graph[name]))
    return None


def check(document: DocumentNode) -> GraphQLError | None:
    name = cycle(document)
    if name is None:
        return None
    return errors.refusal(
        errors.FRAGMENT_CYCLE,
        f"fragment '{name}' spreads itself, directly or through other fragments",
        f"片段 '{name}' 直接或间接地引用了自身（循环片段）",
        fragment=name,
    )
