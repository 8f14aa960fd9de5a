"""Regions for tests: a small fixed slice of GB/T 2260, closure rows included."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import RegionLevel
from store.models.region import Region
from store.region_tree import closure_rows_for_new_leaf
from store.repositories.region import RegionRepository

# code -> (name, level, parent). 419001 济源市 hangs under the province, not under "419000".
KNOWN: dict[str, tuple[str, RegionLevel, str | None]] = {
    "410000": ("河南省", RegionLevel.PROVINCE, None),
    "410100": ("郑州市", RegionLevel.CITY, "410000"),
    "410102": ("中原区", RegionLevel.COUNTY, "410100"),
    "419001": ("济源市", RegionLevel.COUNTY, "410000"),
    "440000": ("广东省", RegionLevel.PROVINCE, None),
    "440300": ("深圳市", RegionLevel.CITY, "440000"),
    "440305": ("南山区", RegionLevel.COUNTY, "440300"),
}


async def create_region(
    session: AsyncSession,
    code: str,
    name: str,
    level: RegionLevel,
    parent_code: str | None = None,
) -> Region:
    """One region under an existing parent, with its closure rows."""
    repo = RegionRepository(session)
    chain = await repo.ancestor_codes(parent_code) if parent_code is not None else []
    region = await repo.add(Region(code=code, name=name, level=level, parent_code=parent_code))
    await repo.add_closure(closure_rows_for_new_leaf(code, chain))
    return region


async def ensure_region(session: AsyncSession, code: str = "440305") -> Region:
    """A region of ``KNOWN`` and its ancestors, created on first use."""
    existing = await RegionRepository(session).get(code)
    if existing is not None:
        return existing
    name, level, parent_code = KNOWN[code]
    if parent_code is not None:
        await ensure_region(session, parent_code)
    return await create_region(session, code, name, level, parent_code)
