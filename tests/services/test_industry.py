"""Registering industries: GB/T 4754 codes, optional R-5.1-annual category."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.industry import IndustryInput, create_industry
from store.enums import HighRiskCategory
from store.repositories.industry import IndustryRepository
from store.uow import UnitOfWork
from tests.factories.industry import ensure_industry
from tests.services.refusal import only, refused


def _input(**overrides: Any) -> IndustryInput:
    values: dict[str, Any] = {
        "code": "B06",
        "name": "煤炭开采和洗选业",
        "high_risk_category": "coal_mine",
    }
    values.update(overrides)
    return IndustryInput(**values)


@pytest.mark.parametrize("code", ["B06", "C26", "E47", "C", "C261", "C2614", "T97"])
async def test_creates_industry(
    uow: Callable[[], UnitOfWork], session: AsyncSession, code: str
) -> None:
    async with uow() as work:
        await create_industry(work.session, _input(code=code))
    stored = await IndustryRepository(session).get(code)
    assert stored is not None
    assert stored.high_risk_category is HighRiskCategory.COAL_MINE


async def test_category_is_optional(uow: Callable[[], UnitOfWork], session: AsyncSession) -> None:
    async with uow() as work:
        await create_industry(
            work.session, _input(code="C13", name="农副食品加工业", high_risk_category=None)
        )
    stored = await IndustryRepository(session).get("C13")
    assert stored is not None and not stored.high_risk


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"code": ""}, "REQUIRED", "code"),
        ({"code": "b06"}, "INDUSTRY_CODE_FORMAT", "code"),
        ({"code": "06"}, "INDUSTRY_CODE_FORMAT", "code"),
        ({"code": "U06"}, "INDUSTRY_CODE_FORMAT", "code"),  # sections end at T
        ({"code": "B6"}, "INDUSTRY_CODE_FORMAT", "code"),
        ({"code": "B06123"}, "INDUSTRY_CODE_FORMAT", "code"),
        ({"code": "B26"}, "INDUSTRY_CODE_SECTION", "code"),  # 26 is manufacturing (C)
        ({"name": " "}, "REQUIRED", "name"),
        ({"name": "业" * 65}, "TOO_LONG", "name"),
        ({"high_risk_category": "mining"}, "INVALID_ENUM", "highRiskCategory"),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    error = await refused(uow, session, lambda s: create_industry(s, _input(**overrides)))
    assert only(error) == (code, field)
    assert await IndustryRepository(session).count() == 0


async def test_duplicate_code_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    await ensure_industry(session, "B06")
    error = await refused(uow, session, lambda s: create_industry(s, _input()))
    assert only(error) == ("DUPLICATE", "code")
    assert await IndustryRepository(session).count() == 1


async def test_repository_queries(session: AsyncSession) -> None:
    for code in ("C26", "C13", "B06"):
        await ensure_industry(session, code)
    repo = IndustryRepository(session)
    assert [i.code for i in await repo.high_risk()] == ["B06", "C26"]
    assert await repo.existing_codes(["B06", "X99", "C13"]) == {"B06", "C13"}
    assert await repo.existing_codes([]) == set()
