"""Insured units for tests; their region and industry are created on first use."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.models.insured_unit import InsuredUnit
from store.repositories.insured_unit import InsuredUnitRepository
from tests.factories.codes import credit_code
from tests.factories.industry import ensure_industry
from tests.factories.region import ensure_region

_n = itertools.count(1)


async def create_insured_unit(session: AsyncSession, **overrides: Any) -> InsuredUnit:
    """A unit in ``region_code`` (default 440305 南山区) and ``industry_code`` (default C26);
    both must be codes the region and industry factories know."""
    n = next(_n)
    values: dict[str, Any] = {
        "credit_code": credit_code(),
        "name": f"测试化工有限公司{n}",
        "region_code": "440305",
        "industry_code": "C26",
        "above_designated_size": True,
        "staff_count": 120,
    }
    values.update(overrides)
    await ensure_region(session, values["region_code"])
    await ensure_industry(session, values["industry_code"])
    return await InsuredUnitRepository(session).add(InsuredUnit(**values))
