"""Staff training records for tests; a manager (and insurer) is created when not given."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.models.staff_training import StaffTraining
from store.repositories.staff_training import StaffTrainingRepository
from tests.factories.staff_member import create_staff_member


async def create_staff_training(session: AsyncSession, **overrides: Any) -> StaffTraining:
    values: dict[str, Any] = {
        "trained_on": date(2024, 3, 15),
        "topic": "安全生产责任保险事故预防技术服务业务培训",
        "hours": Decimal("8.0"),
    }
    values.update(overrides)
    if "staff_id" not in values:
        staff = await create_staff_member(session, insurer_id=values.get("insurer_id"))
        values["staff_id"], values["insurer_id"] = staff.id, staff.insurer_id
    return await StaffTrainingRepository(session).add(StaffTraining(**values))
