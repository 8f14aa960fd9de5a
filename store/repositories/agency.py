"""Queries on technical service agencies (3.5) and their qualifications."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from store.enums import AgencyKind, AgencyStatus
from store.models.agency import Agency
from store.repositories.base import Repository


class AgencyRepository(Repository[Agency]):
    model = Agency

    async def with_qualifications(self, agency_id: int) -> Agency | None:
        result = await self.session.execute(
            self.select().where(Agency.id == agency_id).options(selectinload(Agency.qualifications))
        )
        return result.scalar_one_or_none()

    async def locked(self, agency_id: int) -> Agency | None:
        """The agency, row-locked until the transaction ends, for a status change."""
        result = await self.session.execute(
            self.select().where(Agency.id == agency_id).with_for_update()
        )
        return result.scalar_one_or_none()

    async def active(self, *, kind: AgencyKind | None = None) -> list[Agency]:
        """R-7.1-staff: the agencies that may be given new work, by id."""
        stmt = self.select().where(Agency.status == AgencyStatus.ACTIVE)
        if kind is not None:
            stmt = stmt.where(Agency.kind == kind)
        return list((await self.session.execute(stmt.order_by(Agency.id))).scalars())

    async def by_kind(self, kind: AgencyKind) -> list[Agency]:
        """Agencies of one kind whatever their status, by id."""
        stmt = self.select().where(Agency.kind == kind).order_by(Agency.id)
        return list((await self.session.execute(stmt)).scalars())

    async def taken(self, *, credit_code: str) -> set[str]:
        """``{"credit_code"}`` when another agency holds it, in or out of scope (see insurer)."""
        result = await self.session.execute(
            select(Agency.id).where(Agency.credit_code == credit_code)
        )
        return {"credit_code"} if result.first() is not None else set()

    async def statuses(self, agency_ids: Collection[int]) -> dict[int, AgencyStatus]:
        """The status of each visible agency (R-7.1-staff), in one statement."""
        if not agency_ids:
            return {}
        stmt = (
            self.select()
            .where(Agency.id.in_(set(agency_ids)))
            .with_only_columns(Agency.id, Agency.status)
        )
        return {key: status for key, status in await self.session.execute(stmt)}
