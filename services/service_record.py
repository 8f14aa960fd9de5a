"""Service records (服务记录): planning, recording and completing a prevention service.

A record is PLANNED until it has ``completed_at``, then COMPLETED; the unit's confirmation
(``services.unit_confirmation``) moves it on. Who answers for the service is recorded with
it (R-5.3-responsibility); a suspended agency gets no new work (R-7.1-staff).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.agency import check_agency_accepts_work
from services.hazard import HazardInput, check_hazards
from services.insurance_policy import policy_of
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import (
    LONG_TEXT,
    duplicate_ids,
    invalid_transition,
    not_allowed,
    record_not_completed,
)
from store.enums import ResponsibleParty, ServiceCategory, ServiceStatus
from store.models.service_record import ServiceRecord
from store.repositories.service_record import ServiceRecordRepository
from store.repositories.service_scheme import ServiceSchemeRepository

ARCHIVE_RULE = "R-6.3-archive"
RESPONSIBILITY_RULE = "R-5.3-responsibility"


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
    process: str | None = None
    hazards: tuple[HazardInput, ...] = ()  # found during the service, added to the record


async def create_service_record(session: AsyncSession, data: ServiceRecordInput) -> ServiceRecord:
    check = Checker()
    insurer_id = check.identifier("insurerId", data.insurer_id)
    unit_id = check.identifier("unitId", data.unit_id)
    policy_id = check.identifier("policyId", data.policy_id)
    scheme_id = check.identifier("schemeId", data.scheme_id, required=False)
    agency_id = check.identifier("agencyId", data.agency_id, required=False)
    category = check.enum("category", data.category, ServiceCategory)
    planned_on = check.day("plannedOn", data.planned_on)
    place = check.text("place", data.place, max_len=256)
    content = check.text("content", data.content, max_len=LONG_TEXT, multiline=True)
    process = check.text("process", data.process, max_len=LONG_TEXT, required=False, multiline=True)
    party, responsible_agency_id = _check_responsibility(check, data)
    started_at, completed_at, organised_at = _check_times(
        check, data.started_at, data.completed_at, data.organised_at
    )
    hazards = check_hazards(
        check, data.hazards, started_at, start_given=data.started_at is not None
    )
    for i, key in enumerate(data.staff_ids):
        check.identifier(f"staffIds[{i}]", key)
    duplicate_ids(check, "staffIds", data.staff_ids, "服务人员", "staff member")
    check.raise_if_any()
    assert insurer_id is not None and unit_id is not None and policy_id is not None
    assert category is not None and planned_on is not None and party is not None
    assert place is not None and content is not None

    await policy_of(check, session, "policyId", policy_id, insurer_id=insurer_id, unit_id=unit_id)
    await _check_scheme(check, session, scheme_id, policy_id)
    await check_agency_accepts_work(check, session, "agencyId", agency_id)
    await check_agency_accepts_work(check, session, "responsibleAgencyId", responsible_agency_id)
    await references.staff(check, session, "staffIds", data.staff_ids)
    check.raise_if_any()

    record = ServiceRecord(
        insurer_id=insurer_id,
        unit_id=unit_id,
        policy_id=policy_id,
        scheme_id=scheme_id,
        category=category,
        status=ServiceStatus.PLANNED if completed_at is None else ServiceStatus.COMPLETED,
        planned_on=planned_on,
        started_at=started_at,
        completed_at=completed_at,
        organised_at=organised_at,
        place=place,
        agency_id=agency_id,
        responsible_party=party,
        responsible_agency_id=responsible_agency_id,
        content=content,
        process=process,
        hazards=hazards,
    )
    return await ServiceRecordRepository(session).add_with_staff(record, data.staff_ids)


async def complete_service_record(session: AsyncSession, data: CompletionInput) -> ServiceRecord:
    """PLANNED → COMPLETED. The agency was chosen when the work was given, so a suspension
    since then does not block completing it (R-7.1-staff concerns *new* work)."""
    check = Checker()
    record_id = check.identifier("recordId", data.record_id)
    given_start = check.aware("startedAt", data.started_at, required=False)
    completed_at = check.aware("completedAt", data.completed_at)
    organised_at = check.aware("organisedAt", data.organised_at, required=False)
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
    if process is not None:
        record.process = process
    record.hazards.extend(hazards)
    await session.flush()
    return record


def _check_responsibility(
    check: Checker, data: ServiceRecordInput
) -> tuple[ResponsibleParty | None, int | None]:
    """R-5.3-responsibility: a broker or third party that organises the services answers
    for them and must be named; when the insurer answers, no agency does."""
    party = check.enum("responsibleParty", data.responsible_party, ResponsibleParty)
    agency_id = check.identifier("responsibleAgencyId", data.responsible_agency_id, required=False)
    if (
        party in (ResponsibleParty.BROKER, ResponsibleParty.THIRD_PARTY)
        and data.responsible_agency_id is None
    ):
        check.fail(
            "RESPONSIBLE_AGENCY_REQUIRED",
            "responsibleAgencyId",
            "由保险经纪公司或第三方机构承担服务责任时，必须指明该机构",
            "name the broker or third party that answers for the service",
            rule=RESPONSIBILITY_RULE,
        )
    elif party is ResponsibleParty.INSURER and agency_id is not None:
        check.fail(
            "RESPONSIBLE_AGENCY_FORBIDDEN",
            "responsibleAgencyId",
            "由保险机构承担服务责任时，不能另指责任机构",
            "when the insurer answers for the service, no agency does",
            rule=RESPONSIBILITY_RULE,
        )
    return party, agency_id


def _check_times(
    check: Checker,
    started: datetime | None,
    completed: datetime | None,
    organised: datetime | None,
) -> tuple[datetime | None, datetime | None, datetime | None]:
    started_at = check.aware("startedAt", started, required=False)
    completed_at = check.aware("completedAt", completed, required=False)
    organised_at = check.aware("organisedAt", organised, required=False)
    if completed is not None and started is None:
        check.fail(
            "REQUIRED",
            "startedAt",
            "已完成的服务必须填写开始时间",
            "a completed service must say when it started",
        )
    check.in_order("startedAt", started_at, "completedAt", completed_at)
    if organised is not None and completed is None:
        # R-6.3-archive: the record is organised after the service is completed.
        record_not_completed(check, "organisedAt", rule=ARCHIVE_RULE)
    check.in_order("completedAt", completed_at, "organisedAt", organised_at, rule=ARCHIVE_RULE)
    return started_at, completed_at, organised_at


async def _check_scheme(
    check: Checker, session: AsyncSession, scheme_id: int | None, policy_id: int
) -> None:
    """A scheme, when named, is a version of this record's policy's scheme."""
    if scheme_id is None:
        return
    scheme = await ServiceSchemeRepository(session).get(scheme_id)
    if scheme is None:
        unknown_reference(check, "schemeId", "服务方案", "service scheme")
    elif scheme.policy_id != policy_id:
        check.fail(
            "SCHEME_POLICY_MISMATCH",
            "schemeId",
            "该服务方案不属于此保险合同",
            "the scheme belongs to another policy",
            rule="R-6.1-scheme",
        )
