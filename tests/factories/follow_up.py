from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import FollowUpMethod
from store.models.follow_up import FollowUp
from store.models.service_record import ServiceRecord


async def create_follow_up(
    session: AsyncSession, record: ServiceRecord, **overrides: Any
) -> FollowUp:
    """A phone follow-up one day after the (completed) record."""
    assert record.completed_at is not None
    values: dict[str, Any] = {
        "service_record_id": record.id,
        "method": FollowUpMethod.PHONE,
        "visited_at": record.completed_at + timedelta(days=1),
        "satisfaction": 5,
    }
    values.update(overrides)
    follow_up = FollowUp(**values)
    session.add(follow_up)
    await session.flush()
    return follow_up
