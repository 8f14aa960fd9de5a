"""Adding administrative divisions (GB/T 2260) to the region hierarchy.

The hierarchy is data: a region hangs under the parent the input names, whatever its digits
say (419001 济源市 is a county-level city directly under 410000 河南省). Each new region gets
its closure rows in the same transaction, so jurisdiction scopes see it at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.validation import Checker
from services.validation.messages import duplicate, unknown_reference
from store.enums import RegionLevel
from store.models.region import Region
from store.region_tree import closure_rows_for_new_leaf
from store.repositories.region import RegionRepository

# Which levels a region of each level may hang under: counties sit under a city, or directly
# under a province (省直辖县级行政单位 such as 419001 济源市).
PARENT_LEVELS: dict[RegionLevel, frozenset[RegionLevel]] = {
    RegionLevel.PROVINCE: frozenset(),
    RegionLevel.CITY: frozenset({RegionLevel.PROVINCE}),
    RegionLevel.COUNTY: frozenset({RegionLevel.CITY, RegionLevel.PROVINCE}),
}


@dataclass(frozen=True, slots=True)
class RegionInput:
    code: str
    name: str
    level: RegionLevel | str
    parent_code: str | None = None


def _check_parent(
    check: Checker, level: RegionLevel, parent_code: str | None, parent: Region | None
) -> None:
    allowed = PARENT_LEVELS[level]
    if not allowed and parent_code is not None:
        check.fail(
            "REGION_PARENT_NOT_ALLOWED",
            "parentCode",
            "省级行政区没有上级",
            "a province-level region has no parent",
        )
    elif allowed and parent_code is None:
        check.fail(
            "REGION_PARENT_REQUIRED",
            "parentCode",
            f"{level.label_zh}行政区必须指定上级",
            f"a {level.value}-level region needs a parent",
        )
    elif parent is not None and parent.level not in allowed:
        check.fail(
            "REGION_PARENT_LEVEL",
            "parentCode",
            f"{level.label_zh}行政区不能隶属于{parent.level.label_zh}行政区",
            f"a {level.value}-level region cannot hang under a {parent.level.value}-level one",
        )


async def create_region(session: AsyncSession, data: RegionInput) -> Region:
    check = Checker()
    code = check.region_code("code", data.code)
    name = check.text("name", data.name, max_len=64)
    level = check.enum("level", data.level, RegionLevel)
    parent_code = check.region_code("parentCode", data.parent_code, required=False)
    check.raise_if_any()
    assert code is not None and name is not None and level is not None

    repo = RegionRepository(session)
    if await repo.taken(code=code):
        duplicate(check, "code", "行政区划代码", "region code")
    parent = await repo.get(parent_code) if parent_code is not None else None
    if parent_code is not None and parent is None:
        unknown_reference(check, "parentCode", "上级行政区", "parent region")
    else:
        _check_parent(check, level, parent_code, parent)
    check.raise_if_any()

    parent_chain = await repo.ancestor_codes(parent_code) if parent_code is not None else []
    if parent_code is not None and parent_chain[:1] != [parent_code]:
        # A parent without its own closure rows would leave the new region outside every
        # jurisdiction above it: a silent scope gap, so stop rather than write it.
        raise RuntimeError(f"region_ancestor has no rows for region {parent_code}")
    region = await repo.add(Region(code=code, name=name, level=level, parent_code=parent_code))
    await repo.add_closure(closure_rows_for_new_leaf(code, parent_chain))
    return region
