"""The checks of a new service record, shared by ``create_service_record`` and bulk upload.

Two stages, as in every service: ``validate_service_record`` checks the fields without the
database; ``check_record_references`` checks what they refer to against facts that
``load_record_references`` reads for a whole batch of records, one statement per
referenced table. A single create is a batch of one, so both paths apply the same rules,
codes and messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from services.agency import check_agency_status
from services.hazard import CleanHazard, validate_hazards
from services.insurance_policy import check_policy_parties
from services.references import report_missing_staff
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import LONG_TEXT, duplicate_ids, record_not_completed
from store.enums import AgencyStatus, ResponsibleParty, ServiceCategory, ServiceStatus
from store.repositories.agency import AgencyRepository
from store.repositories.base import RowScope
from store.repositories.insurance_policy import InsurancePolicyRepository, PolicyParties
from store.repositories.service_scheme import ServiceSchemeRepository
from store.repositories.staff_member import StaffMemberRepository

if TYPE_CHECKING:
    from services.service_record import ServiceRecordInput

ARCHIVE_RULE = "R-6.3-archive"
RESPONSIBILITY_RULE = "R-5.3-responsibility"


@dataclass(frozen=True, slots=True)
class CleanServiceRecord:
    """A record whose fields passed every check, ready to be written."""

    insurer_id: int
    unit_id: int
    policy_id: int
    scheme_id: int | None
    agency_id: int | None
    category: ServiceCategory
    planned_on: date
    place: str
    content: str
    process: str | None
    responsible_party: ResponsibleParty
    responsible_agency_id: int | None
    started_at: datetime | None
    completed_at: datetime | None
    organised_at: datetime | None
    staff_ids: tuple[int, ...]
    hazards: tuple[CleanHazard, ...]

    def columns(self) -> dict[str, object]:
        """The ``service_record`` columns (hazards and staff are rows of their own)."""
        return {
            "insurer_id": self.insurer_id,
            "unit_id": self.unit_id,
            "policy_id": self.policy_id,
            "scheme_id": self.scheme_id,
            "category": self.category,
            "status": ServiceStatus.PLANNED
            if self.completed_at is None
            else ServiceStatus.COMPLETED,
            "planned_on": self.planned_on,
            "started_at": self.started_at,
            "completed_at": self.completed_at,
            "organised_at": self.organised_at,
            "place": self.place,
            "agency_id": self.agency_id,
            "responsible_party": self.responsible_party,
            "responsible_agency_id": self.responsible_agency_id,
            "content": self.content,
            "process": self.process,
        }


def validate_service_record(check: Checker, data: ServiceRecordInput) -> CleanServiceRecord | None:
    """Every field check of a new record, no database; ``None`` when any failed."""
    before = len(check.errors)
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
    hazards = validate_hazards(
        check, data.hazards, started_at, start_given=data.started_at is not None
    )
    for i, key in enumerate(data.staff_ids):
        check.identifier(f"staffIds[{i}]", key)
    duplicate_ids(check, "staffIds", data.staff_ids, "服务人员", "staff member")
    if len(check.errors) > before:
        return None
    assert insurer_id is not None and unit_id is not None and policy_id is not None
    assert category is not None and planned_on is not None and party is not None
    assert place is not None and content is not None
    return CleanServiceRecord(
        insurer_id=insurer_id,
        unit_id=unit_id,
        policy_id=policy_id,
        scheme_id=scheme_id,
        agency_id=agency_id,
        category=category,
        planned_on=planned_on,
        place=place,
        content=content,
        process=process,
        responsible_party=party,
        responsible_agency_id=responsible_agency_id,
        started_at=started_at,
        completed_at=completed_at,
        organised_at=organised_at,
        staff_ids=tuple(data.staff_ids),
        hazards=tuple(hazards),
    )


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


@dataclass(frozen=True, slots=True)
class RecordReferences:
    """What a batch of records refers to; an id missing from a map is absent or unseen."""

    policies: Mapping[int, PolicyParties]
    scheme_policies: Mapping[int, int]  # scheme version id -> its policy id
    agencies: Mapping[int, AgencyStatus]
    missing_staff: AbstractSet[int]


async def load_record_references(
    session: AsyncSession, records: Sequence[CleanServiceRecord], scope: RowScope | None = None
) -> RecordReferences:
    """One statement per referenced table for the whole batch (none for an empty id set),
    each through ``scope``: a row outside it reads as absent."""
    agencies = {a for r in records for a in (r.agency_id, r.responsible_agency_id) if a is not None}
    return RecordReferences(
        policies=await InsurancePolicyRepository(session, scope).parties(
            {r.policy_id for r in records}
        ),
        scheme_policies=await ServiceSchemeRepository(session, scope).policy_ids(
            {r.scheme_id for r in records if r.scheme_id is not None}
        ),
        agencies=await AgencyRepository(session, scope).statuses(agencies),
        missing_staff=await StaffMemberRepository(session, scope).missing(
            {s for r in records for s in r.staff_ids}
        ),
    )


def check_record_references(
    check: Checker, record: CleanServiceRecord, refs: RecordReferences
) -> None:
    """The reference checks of one record against the batch's facts."""
    check_policy_parties(
        check, "policyId", refs.policies.get(record.policy_id), record.insurer_id, record.unit_id
    )
    if record.scheme_id is not None:
        _check_scheme(check, refs.scheme_policies.get(record.scheme_id), record.policy_id)
    # R-7.1-staff: a suspended agency gets no new work, as deliverer or as responsible party.
    if record.agency_id is not None:
        check_agency_status(check, "agencyId", refs.agencies.get(record.agency_id))
    if record.responsible_agency_id is not None:
        check_agency_status(
            check, "responsibleAgencyId", refs.agencies.get(record.responsible_agency_id)
        )
    report_missing_staff(check, "staffIds", record.staff_ids, refs.missing_staff)


def _check_scheme(check: Checker, scheme_policy_id: int | None, policy_id: int) -> None:
    """A scheme, when named, is a version of this record's policy's scheme."""
    if scheme_policy_id is None:
        unknown_reference(check, "schemeId", "服务方案", "service scheme")
    elif scheme_policy_id != policy_id:
        check.fail(
            "SCHEME_POLICY_MISMATCH",
            "schemeId",
            "该服务方案不属于此保险合同",
            "the scheme belongs to another policy",
            rule="R-6.1-scheme",
        )
