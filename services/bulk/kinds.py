"""The three kinds of upload: wire fields, the service's own checks, the bulk writer.

Each kind calls the same validation and reference functions as its single-record service
(``services.service_record_checks``, ``services.follow_up``, ``services.fee_ledger_entry``),
so a line is refused exactly when the matching GraphQL mutation would be, with the same
codes, fields and messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services import fee_ledger_entry as ledger
from services import follow_up as follow
from services import service_record_checks as record
from services.bulk import wire
from services.bulk.tenancy import UploadPermit
from services.bulk.wire import ObjectSpec
from services.fee_ledger_entry import LedgerEntryInput
from services.follow_up import FollowUpInput
from services.hazard import HazardInput
from services.service_record import ServiceRecordInput
from services.validation import Checker
from store.base import Base
from store.enums import FollowUpMethod, LedgerEntryKind, ResponsibleParty, ServiceCategory
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.models.follow_up import FollowUp
from store.models.service_record import ServiceRecord
from store.repositories.base import Repository, RowScope
from store.repositories.fee_ledger_entry import FeeLedgerRepository
from store.repositories.follow_up import FollowUpRepository
from store.repositories.service_record import ServiceRecordRepository

C = TypeVar("C")  # a line that passed its field checks
R = TypeVar("R")  # the reference facts of a batch of them

HAZARD = wire.spec(
    HazardInput,
    wire.string("description"),
    wire.boolean("is_major"),
    wire.instant("found_at"),
    wire.instant("told_at"),
    wire.instant("rectified_at"),
)


class BulkKind(Generic[C, R]):
    name: str  # the path segment: POST /bulk/{name}
    model: type[Base]  # what one line creates
    repository: type[Repository[Any]]  # reads them back (a replayed upload's ids)
    spec: ObjectSpec

    @property
    def operation(self) -> str:
        """The idempotency operation name of this kind of upload."""
        return f"bulk:{self.name}"

    def validate(self, check: Checker, data: Any, permit: UploadPermit) -> C | None:
        raise NotImplementedError

    async def load(self, session: AsyncSession, lines: Sequence[C], scope: RowScope) -> R:
        raise NotImplementedError

    def check_references(self, check: Checker, line: C, refs: R) -> None:
        raise NotImplementedError

    async def write(self, session: AsyncSession, lines: Sequence[C], at: datetime) -> list[int]:
        raise NotImplementedError


def _tenant(check: Checker, permit: UploadPermit, insurer_id: object) -> None:
    if isinstance(insurer_id, int):
        permit.check_insurer(check, "insurerId", insurer_id)


class ServiceRecords(BulkKind[record.CleanServiceRecord, record.RecordReferences]):
    name = "service-records"
    model = ServiceRecord
    repository = ServiceRecordRepository
    spec = wire.spec(
        ServiceRecordInput,
        wire.ref("insurer_id", "Insurer"),
        wire.ref("unit_id", "InsuredUnit"),
        wire.ref("policy_id", "InsurancePolicy"),
        wire.choice("category", ServiceCategory),
        wire.day("planned_on"),
        wire.string("place"),
        wire.string("content"),
        wire.choice("responsible_party", ResponsibleParty),
        wire.ref("scheme_id", "ServiceScheme"),
        wire.ref("agency_id", "Agency"),
        wire.ref("responsible_agency_id", "Agency"),
        wire.instant("started_at"),
        wire.instant("completed_at"),
        wire.instant("organised_at"),
        wire.string("process"),
        wire.refs("staff_ids", "StaffMember"),
        wire.objects("hazards", HAZARD),
    )

    def validate(
        self, check: Checker, data: Any, permit: UploadPermit
    ) -> record.CleanServiceRecord | None:
        clean = record.validate_service_record(check, data)
        _tenant(check, permit, data.insurer_id)
        return None if check.errors else clean

    async def load(
        self, session: AsyncSession, lines: Sequence[record.CleanServiceRecord], scope: RowScope
    ) -> record.RecordReferences:
        return await record.load_record_references(session, lines, scope)

    def check_references(
        self, check: Checker, line: record.CleanServiceRecord, refs: record.RecordReferences
    ) -> None:
        record.check_record_references(check, line, refs)

    async def write(
        self, session: AsyncSession, lines: Sequence[record.CleanServiceRecord], at: datetime
    ) -> list[int]:
        return await ServiceRecordRepository(session).insert_many(
            [{**r.columns(), "created_at": at} for r in lines],
            [[h.columns() for h in r.hazards] for r in lines],
            [r.staff_ids for r in lines],
        )


class FollowUps(BulkKind[follow.CleanFollowUp, follow.FollowUpReferences]):
    name = "follow-ups"
    model = FollowUp
    repository = FollowUpRepository
    spec = wire.spec(
        FollowUpInput,
        wire.ref("service_record_id", "ServiceRecord"),
        wire.choice("method", FollowUpMethod),
        wire.instant("visited_at"),
        wire.passed("satisfaction"),
        wire.string("comments"),
        wire.ref("staff_id", "StaffMember"),
    )

    def validate(
        self, check: Checker, data: Any, permit: UploadPermit
    ) -> follow.CleanFollowUp | None:
        # The tenant is the record's insurer: checked through the permit's scope on load,
        # so another insurer's record reads as unknown (UNKNOWN_REFERENCE).
        return follow.validate_follow_up(check, data)

    async def load(
        self, session: AsyncSession, lines: Sequence[follow.CleanFollowUp], scope: RowScope
    ) -> follow.FollowUpReferences:
        return await follow.load_follow_up_references(session, lines, scope)

    def check_references(
        self, check: Checker, line: follow.CleanFollowUp, refs: follow.FollowUpReferences
    ) -> None:
        follow.check_follow_up_references(check, line, refs)

    async def write(
        self, session: AsyncSession, lines: Sequence[follow.CleanFollowUp], at: datetime
    ) -> list[int]:
        rows = [{**f.columns(), "created_at": at} for f in lines]
        return await FollowUpRepository(session).insert_many(rows)


class LedgerEntries(BulkKind[ledger.CleanLedgerEntry, ledger.EntryReferences]):
    name = "ledger-entries"
    model = FeeLedgerEntry
    repository = FeeLedgerRepository
    spec = wire.spec(
        LedgerEntryInput,
        wire.ref("insurer_id", "Insurer"),
        wire.ref("unit_id", "InsuredUnit"),
        wire.ref("policy_id", "InsurancePolicy"),
        wire.choice("kind", LedgerEntryKind),
        wire.passed("amount"),
        wire.day("occurred_on"),
        wire.string("purpose"),
        wire.ref("service_record_id", "ServiceRecord"),
        wire.string("counterparty"),
        wire.ref("corrects_id", "FeeLedgerEntry"),
    )

    def validate(
        self, check: Checker, data: Any, permit: UploadPermit
    ) -> ledger.CleanLedgerEntry | None:
        clean = ledger.validate_ledger_entry(check, data)
        _tenant(check, permit, data.insurer_id)
        return None if check.errors else clean

    async def load(
        self, session: AsyncSession, lines: Sequence[ledger.CleanLedgerEntry], scope: RowScope
    ) -> ledger.EntryReferences:
        return await ledger.load_entry_references(session, lines, scope)

    def check_references(
        self, check: Checker, line: ledger.CleanLedgerEntry, refs: ledger.EntryReferences
    ) -> None:
        ledger.check_entry_references(check, line, refs)

    async def write(
        self, session: AsyncSession, lines: Sequence[ledger.CleanLedgerEntry], at: datetime
    ) -> list[int]:
        rows = [{**e.columns(), "created_at": at} for e in lines]
        return await FeeLedgerRepository(session).insert_many(rows)


KINDS: dict[str, BulkKind[Any, Any]] = {
    k.name: k for k in (ServiceRecords(), FollowUps(), LedgerEntries())
}
