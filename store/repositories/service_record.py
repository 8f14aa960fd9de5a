"""Queries on service records (服务记录) with their hazards and staff."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import selectinload

from store.models.hazard import Hazard
from store.models.service_record import ServiceRecord
from store.models.service_record_staff import ServiceRecordStaff
from store.repositories.base import Repository
from store.repositories.bulk import Row, archive_returned, insert_returning_rows, insert_rows


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What a follow-up or ledger entry naming a record is checked with."""

    insurer_id: int
    unit_id: int
    completed_at: datetime | None  # R-6.3-followup: the follow-up clock starts here


class ServiceRecordRepository(Repository[ServiceRecord]):
    model = ServiceRecord

    async def with_hazards(self, record_id: int) -> ServiceRecord | None:
        stmt = (
            self.select()
            .where(ServiceRecord.id == record_id)
            .options(selectinload(ServiceRecord.hazards))
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def for_unit(self, unit_id: int) -> Sequence[ServiceRecord]:
        return await self._listed(ServiceRecord.unit_id == unit_id)

    async def for_insurer(self, insurer_id: int) -> Sequence[ServiceRecord]:
        return await self._listed(ServiceRecord.insurer_id == insurer_id)

    async def for_agency(self, agency_id: int) -> Sequence[ServiceRecord]:
        """Records an agency delivered or answers for as broker/third party (R-5.3)."""
        return await self._listed(
            or_(
                ServiceRecord.agency_id == agency_id,
                ServiceRecord.responsible_agency_id == agency_id,
            )
        )

    async def staff_ids(self, record_id: int) -> list[int]:
        stmt = (
            self.select()
            .join(ServiceRecordStaff, ServiceRecordStaff.service_record_id == ServiceRecord.id)
            .where(ServiceRecord.id == record_id)
            .with_only_columns(ServiceRecordStaff.staff_id, maintain_column_froms=True)
            .order_by(ServiceRecordStaff.staff_id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def add_with_staff(
        self, record: ServiceRecord, staff_ids: Sequence[int]
    ) -> ServiceRecord:
        """Stage a record (hazards cascade) and its staff rows, then flush."""
        self.session.add(record)
        await self.session.flush()
        self.session.add_all(
            ServiceRecordStaff(service_record_id=record.id, staff_id=s) for s in staff_ids
        )
        await self.session.flush()
        return record

    async def facts(self, record_ids: Collection[int]) -> dict[int, RecordFacts]:
        """Insurer, unit and completion of each visible record, in one statement."""
        if not record_ids:
            return {}
        stmt = (
            self.select()
            .where(ServiceRecord.id.in_(set(record_ids)))
            .with_only_columns(
                ServiceRecord.id,
                ServiceRecord.insurer_id,
                ServiceRecord.unit_id,
                ServiceRecord.completed_at,
            )
        )
        rows = await self.session.execute(stmt)
        return {key: RecordFacts(insurer, unit, done) for key, insurer, unit, done in rows}

    async def insert_many(
        self,
        records: Sequence[Row],
        hazards: Sequence[Sequence[Row]],
        staff_ids: Sequence[Sequence[int]],
    ) -> list[int]:
        """Bulk-insert records with their hazards and staff (``hazards[i]`` and
        ``staff_ids[i]`` belong to ``records[i]``); returns the new ids in that order."""
        new = await insert_returning_rows(self.session, ServiceRecord, records)
        ids = [int(r["id"]) for r in new]
        new_hazards = await insert_returning_rows(
            self.session,
            Hazard,
            [{**h, "service_record_id": i} for i, hs in zip(ids, hazards, strict=True) for h in hs],
            outbox=False,  # the new records' outbox rows cover their hazards
        )
        await insert_rows(
            self.session,
            ServiceRecordStaff,
            [
                {"service_record_id": i, "staff_id": s}
                for i, ss in zip(ids, staff_ids, strict=True)
                for s in ss
            ],
        )
        # Records and hazards archived together, last: one pass over the units' chains, and
        # their heads locked for the shortest time before the commit (R-7.4-archive).
        await archive_returned(
            await self.session.connection(), {"service_record": new, "hazard": new_hazards}
        )
        return ids

    async def _listed(self, condition: ColumnElement[bool]) -> Sequence[ServiceRecord]:
        # Completed records in completion order, planned ones (no completed_at) last on both
        # backends: SQLite sorts NULL first and PostgreSQL last unless told.
        stmt = (
            self.select()
            .where(condition)
            .options(selectinload(ServiceRecord.hazards))
            .order_by(ServiceRecord.completed_at.asc().nulls_last(), ServiceRecord.id)
        )
        return (await self.session.execute(stmt)).scalars().all()
