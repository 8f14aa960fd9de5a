"""Queries on insurance policies (保险合同) and their agreed service items."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from store.models.insurance_policy import InsurancePolicy
from store.repositories.base import Repository


class InsurancePolicyRepository(Repository[InsurancePolicy]):
    model = InsurancePolicy

    async def with_items(self, policy_id: int) -> InsurancePolicy | None:
        """One policy with its service items (R-4.1-contract) loaded."""
        stmt = (
            self.select()
            .where(InsurancePolicy.id == policy_id)
            .options(selectinload(InsurancePolicy.service_items))
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def for_unit(self, unit_id: int) -> Sequence[InsurancePolicy]:
        """A unit's policies, oldest period first, items loaded."""
        stmt = (
            self.select()
            .where(InsurancePolicy.unit_id == unit_id)
            .options(selectinload(InsurancePolicy.service_items))
            .order_by(InsurancePolicy.period_start, InsurancePolicy.id)
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def number_taken(self, insurer_id: int, policy_no: str) -> bool:
        """Whether the insurer already holds ``policy_no``.

        Unscoped on purpose: the key is unique per insurer whatever the caller may see, and
        only a yes/no leaves this method.
        """
        stmt = (
            select(func.count())
            .select_from(InsurancePolicy)
            .where(InsurancePolicy.insurer_id == insurer_id, InsurancePolicy.policy_no == policy_no)
        )
        return bool((await self.session.execute(stmt)).scalar_one())
