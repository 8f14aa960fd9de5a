"""Service records (服务记录): planning, recording and completing a prevention service.

A record is PLANNED until it has ``completed_at``, then COMPLETED; the unit's confirmation
(``services.unit_confirmation``) moves it on. Who answers for the service is recorded with
it (R-5.3-responsibility); a suspended agency gets no new work (R-7.1-staff).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.hazard import HazardInput, check_hazards
from services.service_record_checks import (
    ARCHIVE_RULE,
    RESPONSIBILITY_RULE,
    check_record_references,
    load_record_references,
    validate_service_record,
)
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import LONG_TEXT, invalid_transition, not_allowed
from store.enums import ResponsibleParty, ServiceCategory, ServiceStatus
from store.models.hazard import Hazard
from store.models.service_record import ServiceRecord
from store.repositories.service_record import ServiceRecordRepository

__all__ = [
    "ARCHIVE_RULE",
    "RESPONSIBILITY_RULE",
    "CompletionInput",
    "ServiceRecordInput",
    "complete_service_record",
    "create_service_record",
]


@dataclass(frozen=True, slots=True)
class ServiceRecordInput:
    insurer_id: int
    unit_id: int
    policy_id: int
    category: ServiceCategory | str  # clause 5.1, a–f
    planned_on: date
    place: str
    content: str
    responsible_party: ResponsibleParty | str
    scheme_id: int | None = None  # R-6.1-scheme: a record without one is a finding
    agency_id: int | None = None  # the agency delivering the service
    responsible_agency_id: int | None = None  # the broker / third party that answers for it
    started_at: datetime | None = None
    completed_at: datetime | None = None  # given: the record is COMPLETED
    organised_at: datetime | None = None  # R-6.3-archive: record organised (整理) at
    process: str | None = None
    staff_ids: tuple[int, ...] = ()
    hazards: tuple[HazardInput, ...] = ()


@dataclass(frozen=True, slots=True)
class CompletionInput:
    record_id: int
    completed_at: datetime
    started_at: datetime | None = None  # only when the planned record has none yet
    organised_at: datetime | None = None
    # What was done (R-6.3-archive: the record holds the content): given, it replaces the
    # content planned; the agency that did the work says what it was (issue 9).
    content: str | None = None
    process: str | None = None
    hazards: tuple[HazardInput, ...] = ()  # found during the service, added to the record


async def create_service_record(session: AsyncSession, data: ServiceRecordInput) -> ServiceRecord:
    check = Checker()
    clean = validate_service_record(check, data)
    check.raise_if_any()
    assert clean is not None
    check_record_references(check, clean, await load_record_references(session, [clean]))
    check.raise_if_any()
    record = ServiceRecord(
        **clean.columns(), hazards=[Hazard(**h.columns()) for h in clean.hazards]
    )
    return await ServiceRecordRepository(session).add_with_staff(record, clean.staff_ids)


async def complete_service_record(session: AsyncSession, data: CompletionInput) -> ServiceRecord:
    """PLANNED → COMPLETED. The agency was chosen when the work was given, so a suspension
    since then does not block completing it (R-7.1-staff concerns *new* work)."""
    check = Checker()
    record_id = check.identifier("recordId", data.record_id)
    given_start = check.aware("startedAt", data.started_at, required=False)
    completed_at = check.aware("completedAt", data.completed_at)
    organised_at = check.aware("organisedAt", data.organised_at, required=False)
    # Given but blank is refused (REQUIRED), not read as "keep the planned content".
    content = check.text(
        "content",
        data.content,
        max_len=LONG_TEXT,
        required=data.content is not None,
        multiline=True,
    )
    process = check.text("process", data.process, max_len=LONG_TEXT, required=False, multiline=True)
    check.raise_if_any()
    assert record_id is not None and completed_at is not None

    repo = ServiceRecordRepository(session)
    record = await repo.with_hazards(record_id)
    if record is None:
        unknown_reference(check, "recordId", "服务记录", "service record")
        check.raise_if_any()
    assert record is not None
    if record.status is not ServiceStatus.PLANNED:
        invalid_transition(check, "recordId", record.status.value, ServiceStatus.COMPLETED.value)
    if given_start is not None and record.started_at is not None:
        not_allowed(check, "startedAt", "该服务已记录开始时间", "the start is already recorded")
    started_at = record.started_at or given_start
    if started_at is None:
        check.fail(
            "REQUIRED",
            "startedAt",
            "完成服务时必须填写开始时间",
            "a completed service must say when it started",
        )
    check.in_order("startedAt", started_at, "completedAt", completed_at)
    check.in_order("completedAt", completed_at, "organisedAt", organised_at, rule=ARCHIVE_RULE)
    # A missing start was reported just above; the hazards need not report it again.
    hazards = check_hazards(check, data.hazards, started_at, start_given=True)
    check.raise_if_any()

    record.started_at = started_at
    record.completed_at = completed_at
    record.organised_at = organised_at
    record.status = ServiceStatus.COMPLETED
    if content is not None:
        record.content = content
    if process is not None:
        record.process = process
    record.hazards.extend(hazards)
    await session.flush()
    return record
