"""Industries for tests: a few GB/T 4754 divisions, high-risk and not."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import HighRiskCategory
from store.models.industry import Industry
from store.repositories.industry import IndustryRepository

KNOWN: dict[str, tuple[str, HighRiskCategory | None]] = {
    "B06": ("煤炭开采和洗选业", HighRiskCategory.COAL_MINE),
    "C26": ("化学原料和化学制品制造业", HighRiskCategory.HAZARDOUS_CHEMICALS),
    "E47": ("房屋建筑业", HighRiskCategory.CONSTRUCTION),
    "C13": ("农副食品加工业", None),
}


async def create_industry(session: AsyncSession, **overrides: Any) -> Industry:
    values: dict[str, Any] = {"code": "C26", "name": "化学原料和化学制品制造业"}
    values.update(overrides)
    return await IndustryRepository(session).add(Industry(**values))


async def ensure_industry(session: AsyncSession, code: str = "C26") -> Industry:
    """An industry of ``KNOWN``, created on first use."""
    existing = await IndustryRepository(session).get(code)
    if existing is not None:
        return existing
    name, category = KNOWN[code]
    return await create_industry(session, code=code, name=name, high_risk_category=category)
