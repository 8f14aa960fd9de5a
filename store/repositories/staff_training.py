"""Queries on staff training records (R-7.1-staff: at least once a year)."""

from __future__ import annotations

from datetime import date

from store.models.staff_training import StaffTraining
from store.repositories.base import Repository


class StaffTrainingRepository(Repository[StaffTraining]):
    model = StaffTraining

    async def of_staff(self, staff_id: int) -> list[StaffTraining]:
        """One person's trainings, oldest first."""
        stmt = (
            self.select()
            .where(StaffTraining.staff_id == staff_id)
            .order_by(StaffTraining.trained_on, StaffTraining.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def trained_staff_ids(self, insurer_id: int, first: date, last: date) -> set[int]:
        """R-7.1-staff: the insurer's staff with a training between ``first`` and ``last``
        (both included), the basis of the yearly check."""
        stmt = (
            self.select()
            .where(
                StaffTraining.insurer_id == insurer_id,
                StaffTraining.trained_on >= first,
                StaffTraining.trained_on <= last,
            )
            .with_only_columns(StaffTraining.staff_id)
            .distinct()
        )
        return set((await self.session.execute(stmt)).scalars())
