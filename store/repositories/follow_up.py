"""Queries on follow-up visits (回访), R-6.3-followup."""

from __future__ import annotations

from collections.abc import Sequence

from store.models.follow_up import FollowUp
from store.repositories.base import Repository
from store.repositories.bulk import Row, insert_returning_ids


class FollowUpRepository(Repository[FollowUp]):
    model = FollowUp

    async def for_record(self, record_id: int) -> Sequence[FollowUp]:
        stmt = (
            self.select()
            .where(FollowUp.service_record_id == record_id)
            .order_by(FollowUp.visited_at, FollowUp.id)
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def insert_many(self, rows: Sequence[Row]) -> list[int]:
        """Bulk-insert follow-ups; returns the new ids in the order of ``rows``."""
        return await insert_returning_ids(self.session, FollowUp, rows)
