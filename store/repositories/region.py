"""Queries on administrative divisions and their closure table (region_ancestor)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Select, select

from store.models.region import Region
from store.models.region_ancestor import RegionAncestor
from store.repositories.base import Repository


def regions_within(code: str | Sequence[str]) -> Select[str]:
    """Codes of ``code`` and every region below it: one closure lookup, never digit prefixes
    (419001 lies under 410000). Never correlated, so any statement may embed it. Several
    codes (a regulator's folded jurisdictions, policies/jurisdictions.py) are one lookup of
    all of them; a single one keeps the equality a province's statements always had."""
    # One value may also be a bound parameter (a compiled read's filter, graph/parameters.py).
    codes = tuple(code) if isinstance(code, list | tuple) else (code,)
    ancestor = RegionAncestor.ancestor_code
    return (
        select(RegionAncestor.region_code)
        .where(ancestor == codes[0] if len(codes) == 1 else ancestor.in_(codes))
        .correlate(None)
    )


class RegionRepository(Repository[Region]):
    model = Region

    def _subtree(self, root_code: str) -> Select[Region]:
        """Regions at or below ``root_code``: one indexed closure lookup, no digit prefixes."""
        return (
            self.select()
            .join(RegionAncestor, RegionAncestor.region_code == Region.code)
            .where(RegionAncestor.ancestor_code == root_code)
        )

    async def children(self, code: str) -> list[Region]:
        result = await self.session.execute(
            self.select().where(Region.parent_code == code).order_by(Region.code)
        )
        return list(result.scalars())

    async def descendants_or_self(self, code: str) -> list[Region]:
        result = await self.session.execute(self._subtree(code).order_by(Region.code))
        return list(result.scalars())

    async def in_jurisdiction(self, region_code: str, jurisdiction_code: str) -> bool:
        """Whether ``region_code`` is ``jurisdiction_code`` or lies below it."""
        stmt = self._subtree(jurisdiction_code).where(Region.code == region_code).limit(1)
        return (await self.session.execute(stmt)).scalar_one_or_none() is not None

    async def ancestor_codes(self, code: str) -> list[str]:
        """``code`` and its ancestors, nearest first (the ``parent_chain`` of a new child)."""
        stmt = (
            self.select()
            .join(RegionAncestor, RegionAncestor.ancestor_code == Region.code)
            .where(RegionAncestor.region_code == code)
            .order_by(RegionAncestor.depth)
        )
        return [region.code for region in (await self.session.execute(stmt)).scalars()]

    async def add_closure(self, rows: Iterable[tuple[str, str, int]]) -> None:
        """Stage and flush closure rows (region_code, ancestor_code, depth)."""
        self.session.add_all(
            RegionAncestor(region_code=region, ancestor_code=ancestor, depth=depth)
            for region, ancestor, depth in rows
        )
        await self.session.flush()

    async def taken(self, *, code: str) -> set[str]:
        """``{"code"}`` when a region with ``code`` exists, in or out of scope (see insurer)."""
        result = await self.session.execute(select(Region.code).where(Region.code == code))
        return {"code"} if result.first() is not None else set()
