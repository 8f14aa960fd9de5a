"""Queries on units' confirmations of service records (R-6.3-archive); append-only rows."""

from __future__ import annotations

from collections.abc import Sequence

from store.models.unit_confirmation import UnitConfirmation
from store.repositories.base import Repository


class UnitConfirmationRepository(Repository[UnitConfirmation]):
    model = UnitConfirmation

    async def for_record(self, record_id: int) -> Sequence[UnitConfirmation]:
        """Every decision on a record, in the order they were taken."""
        stmt = (
            self.select()
            .where(UnitConfirmation.service_record_id == record_id)
            .order_by(UnitConfirmation.decided_at, UnitConfirmation.id)
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def latest(self, record_id: int) -> UnitConfirmation | None:
        """The decision that counts: the latest one."""
        stmt = (
            self.select()
            .where(UnitConfirmation.service_record_id == record_id)
            .order_by(UnitConfirmation.decided_at.desc(), UnitConfirmation.id.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()
