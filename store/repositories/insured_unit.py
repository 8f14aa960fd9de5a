"""Queries on insured units (投保单位)."""

from __future__ import annotations

from sqlalchemy import select

from store.models.insured_unit import InsuredUnit
from store.models.region_ancestor import RegionAncestor
from store.repositories.base import Repository


class InsuredUnitRepository(Repository[InsuredUnit]):
    model = InsuredUnit

    async def by_credit_code(self, credit_code: str) -> InsuredUnit | None:
        result = await self.session.execute(
            self.select().where(InsuredUnit.credit_code == credit_code)
        )
        return result.scalar_one_or_none()

    async def find(
        self, *, region_code: str | None = None, industry_code: str | None = None
    ) -> list[InsuredUnit]:
        """Units in the subtree of ``region_code`` and/or of ``industry_code``, by id."""
        stmt = self.select()
        if region_code is not None:
            stmt = stmt.join(
                RegionAncestor, RegionAncestor.region_code == InsuredUnit.region_code
            ).where(RegionAncestor.ancestor_code == region_code)
        if industry_code is not None:
            stmt = stmt.where(InsuredUnit.industry_code == industry_code)
        result = await self.session.execute(stmt.order_by(InsuredUnit.id))
        return list(result.scalars())

    async def taken(self, *, credit_code: str) -> set[str]:
        """``{"credit_code"}`` when another unit holds it, in or out of scope (see insurer)."""
        result = await self.session.execute(
            select(InsuredUnit.id).where(InsuredUnit.credit_code == credit_code)
        )
        return {"credit_code"} if result.first() is not None else set()
