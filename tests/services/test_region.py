"""Adding regions: the hierarchy is data (419001 hangs under 410000), closure rows come along."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.region import RegionInput, create_region
from store.enums import RegionLevel
from store.repositories.region import RegionRepository
from store.uow import UnitOfWork
from tests.factories.region import ensure_region
from tests.services.refusal import only, refused


def _input(**overrides: Any) -> RegionInput:
    values: dict[str, Any] = {
        "code": "410200",
        "name": "开封市",
        "level": RegionLevel.CITY,
        "parent_code": "410000",
    }
    values.update(overrides)
    return RegionInput(**values)


async def test_county_directly_under_province(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    await ensure_region(session, "410000")
    async with uow() as work:
        # 济源市: a county-level city under the province; "419000" does not exist at all.
        await create_region(work.session, _input(code="419001", name="济源市", level="county"))
    repo = RegionRepository(session)
    stored = await repo.get("419001")
    assert stored is not None
    assert (stored.level, stored.parent_code) == (RegionLevel.COUNTY, "410000")
    assert await repo.ancestor_codes("419001") == ["419001", "410000"]
    assert await repo.in_jurisdiction("419001", "410000")


async def test_closure_rows_reach_every_ancestor(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    await ensure_region(session, "410100")
    async with uow() as work:
        await create_region(
            work.session,
            _input(code="410105", name="金水区", level="county", parent_code="410100"),
        )
    repo = RegionRepository(session)
    assert await repo.ancestor_codes("410105") == ["410105", "410100", "410000"]


async def test_province_without_parent(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    async with uow() as work:
        await create_region(
            work.session, _input(code="500000", name="重庆市", level="province", parent_code=None)
        )
    assert await RegionRepository(session).ancestor_codes("500000") == ["500000"]


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"code": " "}, "REQUIRED", "code"),
        ({"code": "41020"}, "REGION_CODE_FORMAT", "code"),
        ({"code": "41020A"}, "REGION_CODE_FORMAT", "code"),
        ({"code": "４１０２００"}, "REGION_CODE_FORMAT", "code"),  # full-width digits
        ({"name": ""}, "REQUIRED", "name"),
        ({"name": "开" * 65}, "TOO_LONG", "name"),
        ({"level": "district"}, "INVALID_ENUM", "level"),
        ({"parent_code": "4100"}, "REGION_CODE_FORMAT", "parentCode"),
        ({"code": "410100"}, "DUPLICATE", "code"),
        ({"parent_code": "420000"}, "UNKNOWN_REFERENCE", "parentCode"),
        ({"level": "province"}, "REGION_PARENT_NOT_ALLOWED", "parentCode"),
        ({"parent_code": None}, "REGION_PARENT_REQUIRED", "parentCode"),
        ({"level": "county", "parent_code": None}, "REGION_PARENT_REQUIRED", "parentCode"),
        ({"parent_code": "410100"}, "REGION_PARENT_LEVEL", "parentCode"),  # city under city
        (
            {"level": "county", "parent_code": "410102"},  # county under county
            "REGION_PARENT_LEVEL",
            "parentCode",
        ),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    await ensure_region(session, "410102")  # 河南省 > 郑州市 > 中原区
    repo = RegionRepository(session)
    before = await repo.count()
    error = await refused(uow, session, lambda s: create_region(s, _input(**overrides)))
    assert only(error) == (code, field)
    assert await repo.count() == before
    assert await repo.get("410200") is None


async def test_repository_walks_the_tree(session: AsyncSession) -> None:
    for code in ("410102", "419001", "440305"):
        await ensure_region(session, code)
    repo = RegionRepository(session)
    assert [r.code for r in await repo.children("410000")] == ["410100", "419001"]
    assert [r.code for r in await repo.descendants_or_self("410000")] == [
        "410000",
        "410100",
        "410102",
        "419001",
    ]
    assert await repo.in_jurisdiction("410102", "410000")
    assert await repo.in_jurisdiction("410000", "410000")
    assert not await repo.in_jurisdiction("419001", "410100")
    assert not await repo.in_jurisdiction("440305", "410000")
    assert await repo.exists("419001")
    assert not await repo.exists("419000")
