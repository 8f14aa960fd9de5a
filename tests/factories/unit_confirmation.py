from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import ConfirmationDecision
from store.models.service_record import ServiceRecord
from store.models.unit_confirmation import UnitConfirmation


async def create_confirmation(
    session: AsyncSession, record: ServiceRecord, **overrides: Any
) -> UnitConfirmation:
    """The record's unit confirms it two days after completion."""
    assert record.completed_at is not None
    values: dict[str, Any] = {
        "service_record_id": record.id,
        "unit_id": record.unit_id,
        "decision": ConfirmationDecision.CONFIRMED,
        "decided_at": record.completed_at + timedelta(days=2),
    }
    values.update(overrides)
    row = UnitConfirmation(**values)
    session.add(row)
    await session.flush()
    return row
