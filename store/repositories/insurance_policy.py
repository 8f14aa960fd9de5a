"""Queries on insurance policies (保险合同) and their agreed service items."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from store.models.insurance_policy import InsurancePolicy
from store.repositories.base import Repository


@dataclass(frozen=True, slots=True)
class PolicyParties:
    """What a record or ledger entry booked against a policy is checked with."""

    insurer_id: int
    unit_id: int
    period_start: date


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

    async def parties(self, policy_ids: Collection[int]) -> dict[int, PolicyParties]:
        """Insurer, unit and start of cover of each visible policy, in one statement."""
        if not policy_ids:
            return {}
        stmt = (
            self.select()
            .where(InsurancePolicy.id.in_(set(policy_ids)))
            .with_only_columns(
                InsurancePolicy.id,
                InsurancePolicy.insurer_id,
                InsurancePolicy.unit_id,
                InsurancePolicy.period_start,
            )
        )
        rows = await self.session.execute(stmt)
        return {key: PolicyParties(insurer, unit, start) for key, insurer, unit, start in rows}
