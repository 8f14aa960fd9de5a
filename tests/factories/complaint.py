from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import ComplaintStatus
from store.models.complaint import Complaint

FILED = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)


async def create_complaint(
    session: AsyncSession, *, insurer_id: int, unit_id: int, **overrides: Any
) -> Complaint:
    """An open complaint filed on 2024-03-04."""
    values: dict[str, Any] = {
        "insurer_id": insurer_id,
        "unit_id": unit_id,
        "filed_at": FILED,
        "request": "服务人员未按约定时间到场",
        "status": ComplaintStatus.OPEN,
    }
    values.update(overrides)
    complaint = Complaint(**values)
    session.add(complaint)
    await session.flush()
    return complaint
