"""Queries on industries (GB/T 4754 codes)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from store.models.industry import Industry
from store.repositories.base import Repository


class IndustryRepository(Repository[Industry]):
    model = Industry

    async def high_risk(self) -> list[Industry]:
        """The industries R-5.1-annual names, by code."""
        result = await self.session.execute(
            self.select().where(Industry.high_risk_category.is_not(None)).order_by(Industry.code)
        )
        return list(result.scalars())

    async def existing_codes(self, codes: Collection[str]) -> set[str]:
        """Which of ``codes`` name an industry the caller may see."""
        if not codes:
            return set()
        result = await self.session.execute(self.select().where(Industry.code.in_(codes)))
        return {industry.code for industry in result.scalars()}

    async def taken(self, *, code: str) -> set[str]:
        """``{"code"}`` when an industry with ``code`` exists, in or out of scope."""
        result = await self.session.execute(select(Industry.code).where(Industry.code == code))
        return {"code"} if result.first() is not None else set()
