"""Service schemes (事故预防技术服务方案, 3.4): versioned, never overwritten (R-6.1-scheme).

``create_scheme`` writes version 1 for a policy without a scheme; ``revise_scheme`` writes
version n+1 naming the version it supersedes. An old version is never updated (R-7.4-archive:
a correction is a new version beside the old one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.agency import check_agency_accepts_work
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import (
    LONG_TEXT,
    check_service_items,
    duplicate_ids,
    not_latest,
    present,
    required_text,
)
from store.enums import ServiceCategory
from store.models.insurance_policy import InsurancePolicy
from store.models.scheme_item import SchemeItem
from store.models.service_scheme import ServiceScheme
from store.repositories.insurance_policy import InsurancePolicyRepository
from store.repositories.service_scheme import ServiceSchemeRepository

RULE = "R-6.1-scheme"


@dataclass(frozen=True, slots=True)
class SchemeItemInput:
    category: ServiceCategory | str
    frequency_per_year: int
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemeContent:
    """The fields of clause 3.4, the same for a first version and a revision."""

    items: tuple[SchemeItemInput, ...]  # 服务内容和频次
    time_limits: str  # 服务时限
    staff_ids: tuple[int, ...]  # 服务人员
    budget: Decimal | str | int  # 费用预算, yuan
    expected_effect: str  # 预期效果
    guarantees: str  # 服务保障
    liability_terms: str  # 责任条款
    complaint_arbitration: str  # 投诉仲裁
    agreed_at: datetime  # 协商一致 with the unit (6.1)
    agency_id: int | None = None  # 服务机构, when an agency delivers


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemeInput(SchemeContent):
    policy_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemeRevision(SchemeContent):
    supersedes_id: int  # must be the latest version


async def create_scheme(session: AsyncSession, data: SchemeInput) -> ServiceScheme:
    """Version 1 of the scheme of a policy that has none."""
    check = Checker()
    policy_id = check.identifier("policyId", data.policy_id)
    values = _check_content(check, data)
    check.raise_if_any()
    assert policy_id is not None

    repo = ServiceSchemeRepository(session)
    policy = await InsurancePolicyRepository(session).get(policy_id)
    if policy is None:
        unknown_reference(check, "policyId", "保险合同", "insurance policy")
    elif await repo.latest_for_policy(policy_id) is not None:
        check.fail(
            "SCHEME_EXISTS",
            "policyId",
            "该保险合同已有服务方案，请修订最新版本",
            "the policy already has a scheme; revise its latest version instead",
            rule=RULE,
        )
    await _check_content_references(check, session, data)
    check.raise_if_any()
    assert policy is not None
    return await repo.add_with_staff(
        _build(policy, values, version=1, supersedes_id=None), data.staff_ids
    )


async def revise_scheme(session: AsyncSession, data: SchemeRevision) -> ServiceScheme:
    """Version n+1 superseding version n; the policy, unit and insurer stay those of n."""
    check = Checker()
    supersedes_id = check.identifier("supersedesId", data.supersedes_id)
    values = _check_content(check, data)
    check.raise_if_any()
    assert supersedes_id is not None

    repo = ServiceSchemeRepository(session)
    previous = await repo.get(supersedes_id)
    policy: InsurancePolicy | None = None
    if previous is None:
        unknown_reference(check, "supersedesId", "服务方案", "service scheme")
    else:
        latest = await repo.latest_for_policy(previous.policy_id)
        assert latest is not None  # ``previous`` itself is a version of that policy
        if latest.id != previous.id:
            not_latest(check, "SCHEME_NOT_LATEST", "supersedesId", latest.version, rule=RULE)
        check.in_order("supersedes.agreedAt", previous.agreed_at, "agreedAt", values["agreed_at"])
        policy = await InsurancePolicyRepository(session).get(previous.policy_id)
    await _check_content_references(check, session, data)
    check.raise_if_any()
    assert previous is not None and policy is not None
    return await repo.add_with_staff(
        _build(policy, values, version=previous.version + 1, supersedes_id=previous.id),
        data.staff_ids,
    )


def _check_content(check: Checker, data: SchemeContent) -> dict[str, Any]:
    """The 3.4 fields, each required (R-6.1-scheme); returns the cleaned column values."""
    items = check_service_items(check, data.items, rule=RULE)
    descriptions = [
        check.text(
            f"items[{i}].description",
            item.description,
            max_len=LONG_TEXT,
            required=False,
            multiline=True,
        )
        for i, item in enumerate(data.items)
    ]
    values: dict[str, Any] = {
        "time_limits": required_text(check, "timeLimits", data.time_limits, rule=RULE),
        "items": [
            SchemeItem(category=item[0], frequency_per_year=item[1], description=description)
            for item, description in zip(items, descriptions, strict=True)
            if item is not None
        ],
    }
    check.non_empty("staffIds", data.staff_ids, rule=RULE)
    for i, key in enumerate(data.staff_ids):
        check.identifier(f"staffIds[{i}]", key)
    duplicate_ids(check, "staffIds", data.staff_ids, "服务人员", "staff member")
    check.identifier("agencyId", data.agency_id, required=False)
    if present(check, "budget", data.budget, rule=RULE):
        values["budget"] = check.money("budget", data.budget)
    values["expected_effect"] = required_text(
        check, "expectedEffect", data.expected_effect, rule=RULE
    )
    values["guarantees"] = required_text(check, "guarantees", data.guarantees, rule=RULE)
    values["liability_terms"] = required_text(
        check, "liabilityTerms", data.liability_terms, rule=RULE
    )
    values["complaint_arbitration"] = required_text(
        check, "complaintArbitration", data.complaint_arbitration, rule=RULE
    )
    if present(check, "agreedAt", data.agreed_at, rule=RULE):
        values["agreed_at"] = check.aware("agreedAt", data.agreed_at)
    values["agency_id"] = data.agency_id
    return values


async def _check_content_references(
    check: Checker, session: AsyncSession, data: SchemeContent
) -> None:
    await references.staff(check, session, "staffIds", data.staff_ids)
    await check_agency_accepts_work(check, session, "agencyId", data.agency_id)


def _build(
    policy: InsurancePolicy, values: dict[str, Any], *, version: int, supersedes_id: int | None
) -> ServiceScheme:
    return ServiceScheme(
        insurer_id=policy.insurer_id,
        unit_id=policy.unit_id,
        policy_id=policy.id,
        version=version,
        supersedes_id=supersedes_id,
        **values,
    )
