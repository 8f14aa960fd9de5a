"""Technical service agencies (3.5): registration with qualifications, and the dynamic
adjustment of R-7.1-staff (suspend, reinstate; a suspended agency gets no new work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.errors import ConflictError, NotFoundError
from services.validation import Checker
from services.validation.messages import duplicate, unknown_reference
from store.enums import AgencyKind, AgencyStatus
from store.models.agency import Agency
from store.models.agency_qualification import AgencyQualification
from store.models.agency_status_change import AgencyStatusChange
from store.repositories.agency import AgencyRepository


@dataclass(frozen=True, slots=True)
class QualificationInput:
    name: str
    certificate_no: str
    valid_until: date | None = None  # None: the certificate does not expire


@dataclass(frozen=True, slots=True)
class AgencyInput:
    credit_code: str
    name: str
    kind: AgencyKind | str
    region_code: str
    qualifications: tuple[QualificationInput, ...] = ()


def _check_qualifications(
    check: Checker, items: tuple[QualificationInput, ...], today: date
) -> list[AgencyQualification]:
    rows: list[AgencyQualification] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        at = f"qualifications[{i}]"
        name = check.text(f"{at}.name", item.name, max_len=128)
        number = check.text(f"{at}.certificateNo", item.certificate_no, max_len=64)
        if number is not None and number in seen:
            duplicate(check, f"{at}.certificateNo", "证书编号", "certificate number")
        valid_until = check.day(f"{at}.validUntil", item.valid_until, required=False)
        if valid_until is not None and valid_until < today:
            # R-7.1-staff: agencies need qualifications that fit their services; an
            # expired certificate is no qualification.
            check.fail(
                "QUALIFICATION_EXPIRED",
                f"{at}.validUntil",
                f"资质已于{valid_until.isoformat()}过期",
                f"the qualification expired on {valid_until.isoformat()}",
                rule="R-7.1-staff",
            )
        if name is not None and number is not None:
            seen.add(number)
            rows.append(
                AgencyQualification(name=name, certificate_no=number, valid_until=valid_until)
            )
    return rows


async def create_agency(session: AsyncSession, data: AgencyInput, *, today: date) -> Agency:
    """Register an agency with its qualifications; ``today`` is the caller's day in China."""
    check = Checker()
    credit_code = check.credit_code("creditCode", data.credit_code)
    name = check.text("name", data.name, max_len=128)
    kind = check.enum("kind", data.kind, AgencyKind)
    region_code = check.region_code("regionCode", data.region_code)
    qualifications = _check_qualifications(check, tuple(data.qualifications), today)
    check.raise_if_any()
    assert credit_code is not None and name is not None
    assert kind is not None and region_code is not None

    repo = AgencyRepository(session)
    if await repo.taken(credit_code=credit_code):
        duplicate(check, "creditCode", "统一社会信用代码", "credit code")
    await references.region(check, session, "regionCode", region_code)
    check.raise_if_any()
    return await repo.add(
        Agency(
            credit_code=credit_code,
            name=name,
            kind=kind,
            region_code=region_code,
            status=AgencyStatus.ACTIVE,
            qualifications=qualifications,
        )
    )


async def _change_status(
    session: AsyncSession,
    agency_id: int,
    reason: str,
    at: datetime,
    to: AgencyStatus,
    by: int | None,
) -> Agency:
    check = Checker()
    key = check.identifier("agencyId", agency_id)
    cleaned_reason = check.text("reason", reason, max_len=2000, multiline=True)
    when = check.aware("at", at)
    check.raise_if_any()
    assert key is not None and cleaned_reason is not None and when is not None

    agency = await AgencyRepository(session).locked(key)
    if agency is None:
        raise NotFoundError("agency", key)
    if agency.status == to:
        raise ConflictError(
            f"技术服务机构已处于“{to.label_zh}”状态",
            f"the agency is already {to.value}",
            code="AGENCY_ALREADY_SUSPENDED"
            if to is AgencyStatus.SUSPENDED
            else "AGENCY_NOT_SUSPENDED",
        )
    # The dates of the adjustments must read in order for anyone auditing them later.
    check.in_order("statusChangedAt", agency.status_changed_at, "at", when, rule="R-7.1-staff")
    check.raise_if_any()
    agency.status = to
    agency.status_changed_at = when
    agency.status_reason = cleaned_reason
    # R-7.1-staff: the history, not only the latest status, tells whether work was given to
    # the agency while it was suspended (store/repositories/findings_agencies.py).
    session.add(
        AgencyStatusChange(
            agency_id=agency.id, status=to, changed_at=when, reason=cleaned_reason, changed_by=by
        )
    )
    await session.flush()
    return agency


async def suspend_agency(
    session: AsyncSession, agency_id: int, reason: str, at: datetime, *, by: int | None = None
) -> Agency:
    """R-7.1-staff: stop giving the agency new work, recording when, why and (``by``, a
    principal) who decided, in the agency and in its history."""
    return await _change_status(session, agency_id, reason, at, AgencyStatus.SUSPENDED, by)


async def reinstate_agency(
    session: AsyncSession, agency_id: int, reason: str, at: datetime, *, by: int | None = None
) -> Agency:
    """R-7.1-staff: let a suspended agency take new work again, recording when and why."""
    return await _change_status(session, agency_id, reason, at, AgencyStatus.ACTIVE, by)


async def check_agency_accepts_work(
    check: Checker, session: AsyncSession, field: str, agency_id: int | None
) -> None:
    """R-7.1-staff: a suspended agency gets no new work (schemes naming it, services it
    delivers or organises). Absent or out of scope is UNKNOWN_REFERENCE; ``None`` is skipped."""
    if agency_id is None:
        return
    agency = await AgencyRepository(session).get(agency_id)
    check_agency_status(check, field, None if agency is None else agency.status)


def check_agency_status(check: Checker, field: str, status: AgencyStatus | None) -> None:
    """R-7.1-staff on a loaded status (``None``: absent or out of scope); shared by
    ``check_agency_accepts_work`` and bulk upload, which loads a batch's statuses at once."""
    if status is None:
        unknown_reference(check, field, "技术服务机构", "technical service agency")
    elif status is AgencyStatus.SUSPENDED:
        check.fail(
            "AGENCY_SUSPENDED",
            field,
            "该技术服务机构已被暂停，不能承接新的服务",
            "the agency is suspended and gets no new work",
            rule="R-7.1-staff",
        )


async def assert_agency_accepts_work(
    session: AsyncSession, agency_id: int, *, field: str = "agencyId"
) -> None:
    """Raise ``InputError`` on ``field`` unless the agency may be given new work."""
    check = Checker()
    await check_agency_accepts_work(check, session, field, agency_id)
    check.raise_if_any()
