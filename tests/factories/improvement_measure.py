from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import ImprovementSource, ImprovementStatus
from store.models.improvement_measure import ImprovementMeasure


async def create_measure(
    session: AsyncSession, *, insurer_id: int, **overrides: Any
) -> ImprovementMeasure:
    """A planned measure answering a regulator's inspection (no source row needed)."""
    values: dict[str, Any] = {
        "insurer_id": insurer_id,
        "source": ImprovementSource.INSPECTION,
        "problem": "服务档案未按期归档",
        "measure": "建立归档台账，每周核查",
        "status": ImprovementStatus.PLANNED,
    }
    values.update(overrides)
    row = ImprovementMeasure(**values)
    session.add(row)
    await session.flush()
    return row
