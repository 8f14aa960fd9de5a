from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import ServiceCategory
from store.models.insurance_policy import InsurancePolicy
from store.models.policy_service_item import PolicyServiceItem

_n = itertools.count(1)

PERIOD_START = date(2024, 1, 1)
PERIOD_END = date(2025, 1, 1)


async def create_policy(
    session: AsyncSession, *, insurer_id: int, unit_id: int, **overrides: Any
) -> InsurancePolicy:
    """A policy for the year 2024 agreeing on two hazard investigations and one training."""
    values: dict[str, Any] = {
        "insurer_id": insurer_id,
        "unit_id": unit_id,
        "policy_no": f"PAZX2024{next(_n):06d}",
        "period_start": PERIOD_START,
        "period_end": PERIOD_END,
        "premium": Decimal("50000.00"),
        "prevention_fee_ratio": Decimal("0.2000"),
        "service_items": [
            PolicyServiceItem(category=ServiceCategory.HAZARD_INVESTIGATION, frequency_per_year=2),
            PolicyServiceItem(category=ServiceCategory.TRAINING, frequency_per_year=1),
        ],
    }
    values.update(overrides)
    policy = InsurancePolicy(**values)
    session.add(policy)
    await session.flush()
    return policy
