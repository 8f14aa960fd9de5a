"""Reference tables: regions (with their closure rows) and industries, from the CSV files."""

from __future__ import annotations

from collections.abc import Iterator

from store.demo import reference
from store.demo.context import Chunk, Leaf, Row, World, chunk
from store.demo.names import place_for
from store.region_tree import closure_rows


def reference_chunks() -> Iterator[Chunk]:
    regions = reference.regions()
    yield chunk("region", [(r.code, r.name, r.level.value, r.parent_code) for r in regions])
    yield chunk("region_ancestor", list(closure_rows(reference.parents())))
    rows: list[Row] = [
        (i.code, i.name, i.high_risk_category.value if i.high_risk_category else None)
        for i in reference.industries()
    ]
    yield chunk("industry", rows)


def build_leaves(world: World) -> None:
    """The regions units and agencies register in, limited to the scale's provinces."""
    by_code = {r.code: r for r in reference.regions()}
    wanted = world.spec.provinces
    for leaf in reference.leaf_regions():
        chain = []
        current = leaf
        while True:
            chain.append(current)
            if current.parent_code is None:
                break
            current = by_code[current.parent_code]
        province = chain[-1].code[:2]  # the root of the chain, not the leaf's digits
        if wanted is not None and province not in wanted:
            continue
        city = next((r.code for r in chain if r.level == "city"), None)
        # 市辖区 and 县 are grouping rows of GB/T 2260, not part of a postal address.
        address = "".join(r.name for r in reversed(chain) if r.name not in ("市辖区", "县"))
        world.leaves.append(
            Leaf(
                code=leaf.code,
                province=province,
                city_code=city,
                place=place_for(leaf, by_code),
                address_prefix=address,
            )
        )
