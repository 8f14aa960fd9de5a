"""Registering insurance policies (保险合同) with the service items they agree (R-4.1-contract)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.validation import Checker
from services.validation.messages import duplicate, unknown_reference
from services.validation.workflow import check_service_items
from store.enums import ServiceCategory
from store.models.insurance_policy import InsurancePolicy
from store.models.policy_service_item import PolicyServiceItem
from store.repositories.insurance_policy import InsurancePolicyRepository


@dataclass(frozen=True, slots=True)
class PolicyItemInput:
    category: ServiceCategory | str
    frequency_per_year: int


@dataclass(frozen=True, slots=True)
class PolicyInput:
    insurer_id: int
    unit_id: int
    policy_no: str
    period_start: date
    period_end: date  # exclusive: the policy year is [start, end)
    premium: Decimal | str | int  # yuan; floats are refused
    prevention_fee_ratio: Decimal | str  # share of premium for prevention services
    items: tuple[PolicyItemInput, ...]
    branch_id: int | None = None


async def create_policy(session: AsyncSession, data: PolicyInput) -> InsurancePolicy:
    check = Checker()
    insurer_id = check.identifier("insurerId", data.insurer_id)
    unit_id = check.identifier("unitId", data.unit_id)
    branch_id = check.identifier("branchId", data.branch_id, required=False)
    policy_no = check.text("policyNo", data.policy_no, max_len=64)
    start = check.day("periodStart", data.period_start)
    end = check.day("periodEnd", data.period_end)
    check.in_order("periodStart", start, "periodEnd", end, allow_equal=False)
    premium = check.money("premium", data.premium, allow_zero=False)
    ratio = check.ratio("preventionFeeRatio", data.prevention_fee_ratio)
    # R-4.1-contract: the contract names the service items and their frequency.
    items = check_service_items(check, data.items, rule="R-4.1-contract")
    check.raise_if_any()
    assert insurer_id is not None and unit_id is not None and policy_no is not None
    assert start is not None and end is not None and premium is not None and ratio is not None

    await references.insurer(check, session, "insurerId", insurer_id)
    await references.insured_unit(check, session, "unitId", unit_id)
    await references.branch_of(check, session, "branchId", branch_id, insurer_id)
    repo = InsurancePolicyRepository(session)
    if await repo.number_taken(insurer_id, policy_no):
        duplicate(check, "policyNo", "保单号", "policy number")
    check.raise_if_any()
    policy = InsurancePolicy(
        insurer_id=insurer_id,
        unit_id=unit_id,
        branch_id=branch_id,
        policy_no=policy_no,
        period_start=start,
        period_end=end,
        premium=premium,
        prevention_fee_ratio=ratio,
        service_items=[
            PolicyServiceItem(category=category, frequency_per_year=frequency)
            for category, frequency in filter(None, items)
        ],
    )
    return await repo.add(policy)


async def policy_of(
    check: Checker,
    session: AsyncSession,
    field: str,
    policy_id: int | None,
    *,
    insurer_id: int | None,
    unit_id: int | None,
) -> InsurancePolicy | None:
    """The policy a record or ledger entry is booked against; it must be the one between
    that insurer and that unit (POLICY_MISMATCH otherwise)."""
    if policy_id is None:
        return None
    policy = await InsurancePolicyRepository(session).get(policy_id)
    return policy if check_policy_parties(check, field, policy, insurer_id, unit_id) else None


class PolicyLike(Protocol):
    """A stored policy or its batch-loaded parties (``PolicyParties``)."""

    @property
    def insurer_id(self) -> int: ...

    @property
    def unit_id(self) -> int: ...


def check_policy_parties(
    check: Checker,
    field: str,
    policy: PolicyLike | None,
    insurer_id: int | None,
    unit_id: int | None,
) -> bool:
    """``policy`` (``None``: absent or out of scope) is the one between that insurer and that
    unit; ``False`` when reported. Shared by ``policy_of`` and bulk upload."""
    if policy is None:
        unknown_reference(check, field, "保险合同", "insurance policy")
        return False
    if policy.insurer_id != insurer_id or policy.unit_id != unit_id:
        check.fail(
            "POLICY_MISMATCH",
            field,
            "该保险合同不属于所填的保险机构和投保单位",
            "the policy is not between the given insurer and insured unit",
        )
        return False
    return True
