"""Queries on complaints (投诉), R-6.4-complaint."""

from __future__ import annotations

from collections.abc import Sequence

from store.enums import ComplaintStatus
from store.models.complaint import Complaint
from store.repositories.base import Repository


class ComplaintRepository(Repository[Complaint]):
    model = Complaint

    async def for_unit(self, unit_id: int) -> Sequence[Complaint]:
        stmt = (
            self.select()
            .where(Complaint.unit_id == unit_id)
            .order_by(Complaint.filed_at, Complaint.id)
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def open_for_insurer(self, insurer_id: int) -> Sequence[Complaint]:
        """Unanswered complaints, oldest first (the deadline clock runs from ``filed_at``)."""
        stmt = (
            self.select()
            .where(Complaint.insurer_id == insurer_id, Complaint.status == ComplaintStatus.OPEN)
            .order_by(Complaint.filed_at, Complaint.id)
        )
        return (await self.session.execute(stmt)).scalars().all()
