"""The region hierarchy as data: closure rows computed from parent links."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping


def ancestors(code: str, parents: Mapping[str, str | None]) -> list[str]:
    """``code`` and every ancestor up to the root, nearest first (code itself at depth 0)."""
    chain: list[str] = []
    current: str | None = code
    while current is not None:
        if current in chain:
            raise ValueError(f"region hierarchy has a cycle through {current}")
        chain.append(current)
        current = parents.get(current)
    return chain


def closure_rows(parents: Mapping[str, str | None]) -> Iterator[tuple[str, str, int]]:
    """(region_code, ancestor_code, depth) for every region, including (r, r, 0)."""
    for code in parents:
        for depth, ancestor in enumerate(ancestors(code, parents)):
            yield code, ancestor, depth


def closure_rows_for_new_leaf(
    code: str, parent_chain: Iterable[str]
) -> Iterator[tuple[str, str, int]]:
    """Closure rows for one region added under ``parent_chain`` (parent first, root last)."""
    yield code, code, 0
    for depth, ancestor in enumerate(parent_chain, start=1):
        yield code, ancestor, depth
