"""Queries on follow-up visits (回访), R-6.3-followup."""

from __future__ import annotations

from collections.abc import Sequence

from store.models.follow_up import FollowUp
from store.repositories.base import Repository


class FollowUpRepository(Repository[FollowUp]):
    model = FollowUp

    async def for_record(self, record_id: int) -> Sequence[FollowUp]:
        stmt = (
            self.select()
            .where(FollowUp.service_record_id == record_id)
            .order_by(FollowUp.visited_at, FollowUp.id)
        )
        return (await self.session.execute(stmt)).scalars().all()
