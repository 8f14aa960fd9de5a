"""Queries on improvement measures (改进措施), R-8.3-improvement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_

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

    async def for_report(
        self, insurer_id: int, year_starts: datetime
    ) -> Sequence[ImprovementMeasure]:
        """The measures an annual report shows (R-8.3-improvement): every open one, and the
        ones completed since the year began; in creation order."""
        stmt = (
            self.select()
            .where(
                ImprovementMeasure.insurer_id == insurer_id,
                or_(
                    ImprovementMeasure.status != ImprovementStatus.DONE,
                    ImprovementMeasure.completed_at >= year_starts,
                ),
            )
            .order_by(ImprovementMeasure.id)
        )
        return (await self.session.execute(stmt)).scalars().all()
