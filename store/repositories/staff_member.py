"""Queries on experts and staff; their phone and ID number are personal data (R-4.2-privacy)."""

from __future__ import annotations

from collections.abc import Iterable

from store.enums import StaffKind
from store.models.staff_member import StaffMember
from store.repositories.base import Repository


class StaffMemberRepository(Repository[StaffMember]):
    model = StaffMember

    async def of_insurer(
        self, insurer_id: int, *, kind: StaffKind | None = None
    ) -> list[StaffMember]:
        stmt = self.select().where(StaffMember.insurer_id == insurer_id)
        if kind is not None:
            stmt = stmt.where(StaffMember.kind == kind)
        return list((await self.session.execute(stmt.order_by(StaffMember.id))).scalars())

    async def of_agency(self, agency_id: int) -> list[StaffMember]:
        stmt = self.select().where(StaffMember.agency_id == agency_id).order_by(StaffMember.id)
        return list((await self.session.execute(stmt)).scalars())

    async def missing(self, staff_ids: Iterable[int]) -> set[int]:
        """Which of ``staff_ids`` do not exist (or lie outside the scope)."""
        wanted = set(staff_ids)
        if not wanted:
            return set()
        stmt = self.select().where(StaffMember.id.in_(wanted)).with_only_columns(StaffMember.id)
        return wanted - set((await self.session.execute(stmt)).scalars())
