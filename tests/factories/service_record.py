from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import ResponsibleParty, ServiceCategory, ServiceStatus
from store.models.hazard import Hazard
from store.models.insurance_policy import InsurancePolicy
from store.models.service_record import ServiceRecord
from store.models.service_record_staff import ServiceRecordStaff

STARTED = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shenzhen
COMPLETED = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)  # 16:00 in Shenzhen


async def create_service_record(
    session: AsyncSession,
    policy: InsurancePolicy,
    *,
    completed: bool = True,
    hazards: Sequence[Hazard] = (),
    staff_ids: Sequence[int] = (),
    **overrides: Any,
) -> ServiceRecord:
    """A hazard investigation under ``policy``, completed on 2024-03-01 unless told not to."""
    values: dict[str, Any] = {
        "insurer_id": policy.insurer_id,
        "unit_id": policy.unit_id,
        "policy_id": policy.id,
        "category": ServiceCategory.HAZARD_INVESTIGATION,
        "status": ServiceStatus.COMPLETED if completed else ServiceStatus.PLANNED,
        "planned_on": date(2024, 3, 1),
        "started_at": STARTED if completed else None,
        "completed_at": COMPLETED if completed else None,
        "place": "深圳市南山区科技园厂区",
        "responsible_party": ResponsibleParty.INSURER,
        "content": "储罐区、装卸区隐患排查",
        "hazards": list(hazards),
    }
    values.update(overrides)
    record = ServiceRecord(**values)
    session.add(record)
    await session.flush()
    session.add_all(ServiceRecordStaff(service_record_id=record.id, staff_id=s) for s in staff_ids)
    await session.flush()
    return record


def hazard(*, is_major: bool = True, told: bool = False, **overrides: Any) -> Hazard:
    """A hazard found an hour into the service (major and untold unless told otherwise)."""
    values: dict[str, Any] = {
        "description": "储罐区可燃气体报警器失效",
        "is_major": is_major,
        "found_at": datetime(2024, 3, 1, 2, 0, tzinfo=UTC),
        "told_at": datetime(2024, 3, 1, 3, 0, tzinfo=UTC) if told else None,
    }
    values.update(overrides)
    return Hazard(**values)
