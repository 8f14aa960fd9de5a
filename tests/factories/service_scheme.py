from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import ServiceCategory
from store.models.insurance_policy import InsurancePolicy
from store.models.scheme_item import SchemeItem
from store.models.scheme_staff import SchemeStaff
from store.models.service_scheme import ServiceScheme


async def create_scheme(
    session: AsyncSession,
    policy: InsurancePolicy,
    *,
    staff_ids: Sequence[int] = (),
    **overrides: Any,
) -> ServiceScheme:
    """Version 1 (unless overridden) of a scheme for ``policy``, with one item."""
    values: dict[str, Any] = {
        "insurer_id": policy.insurer_id,
        "unit_id": policy.unit_id,
        "policy_id": policy.id,
        "version": 1,
        "time_limits": "每半年一次，每次两个工作日内完成",
        "budget": Decimal("9600.00"),
        "expected_effect": "重大隐患清零",
        "guarantees": "专家团队驻点",
        "liability_terms": "由保险机构承担服务责任",
        "complaint_arbitration": "向深圳仲裁委员会申请仲裁",
        "agreed_at": datetime(2024, 1, 5, 2, 0, tzinfo=UTC),
        "items": [SchemeItem(category=ServiceCategory.HAZARD_INVESTIGATION, frequency_per_year=2)],
    }
    values.update(overrides)
    scheme = ServiceScheme(**values)
    session.add(scheme)
    await session.flush()
    session.add_all(SchemeStaff(scheme_id=scheme.id, staff_id=s) for s in staff_ids)
    await session.flush()
    return scheme
