"""Queries on improvement measures (改进措施), R-8.3-improvement."""

from __future__ import annotations

from collections.abc import Sequence

from store.enums import ImprovementStatus
from store.models.improvement_measure import ImprovementMeasure
from store.repositories.base import Repository


class ImprovementMeasureRepository(Repository[ImprovementMeasure]):
    model = ImprovementMeasure

    async def for_insurer(
        self, insurer_id: int, *, open_only: bool = False
    ) -> Sequence[ImprovementMeasure]:
        """An insurer's measures in creation order; ``open_only`` leaves out the done ones."""
        stmt = self.select().where(ImprovementMeasure.insurer_id == insurer_id)
        if open_only:
            stmt = stmt.where(ImprovementMeasure.status != ImprovementStatus.DONE)
        stmt = stmt.order_by(ImprovementMeasure.id)
        return (await self.session.execute(stmt)).scalars().all()
