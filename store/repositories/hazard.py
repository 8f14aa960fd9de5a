"""Queries on hazards found by services (隐患), R-6.2-major-hazard."""

from __future__ import annotations

from collections.abc import Sequence

from store.models.hazard import Hazard
from store.models.service_record import ServiceRecord
from store.repositories.base import Repository


class HazardRepository(Repository[Hazard]):
    model = Hazard

    async def untold_major(
        self, *, insurer_id: int | None = None, unit_id: int | None = None
    ) -> Sequence[Hazard]:
        """Major hazards the unit has not been told of: findings of R-6.2-major-hazard.

        Oldest first. The record's scope applies too: a hazard is visible only with its record.
        """
        stmt = (
            self.select()
            .join(ServiceRecord, ServiceRecord.id == Hazard.service_record_id)
            .where(
                Hazard.is_major.is_(True),
                Hazard.told_at.is_(None),
                self.scope.where(ServiceRecord),
            )
            .order_by(Hazard.found_at, Hazard.id)
        )
        if insurer_id is not None:
            stmt = stmt.where(ServiceRecord.insurer_id == insurer_id)
        if unit_id is not None:
            stmt = stmt.where(ServiceRecord.unit_id == unit_id)
        return (await self.session.execute(stmt)).scalars().all()
