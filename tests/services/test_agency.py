"""Agencies (3.5): registration with qualifications, and R-7.1-staff's dynamic adjustment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.agency import (
    AgencyInput,
    QualificationInput,
    assert_agency_accepts_work,
    create_agency,
    reinstate_agency,
    suspend_agency,
)
from services.errors import ConflictError, NotFoundError
from store.enums import AgencyKind, AgencyStatus
from store.models.agency import Agency
from store.models.agency_status_change import AgencyStatusChange
from store.repositories.agency import AgencyRepository
from store.uow import UnitOfWork
from tests.factories import agency as agency_factory
from tests.factories.codes import credit_code
from tests.factories.region import ensure_region
from tests.services.refusal import only, refused

TODAY = date(2024, 6, 1)
BEIJING = ZoneInfo("Asia/Shanghai")
AT = datetime(2024, 6, 1, 9, 30, tzinfo=BEIJING)
VALID = credit_code()


def _qualification(**overrides: Any) -> QualificationInput:
    values: dict[str, Any] = {
        "name": "安全评价机构资质",
        "certificate_no": "APJ-(粤)-001",
        "valid_until": date(2026, 12, 31),
    }
    values.update(overrides)
    return QualificationInput(**values)


def _input(*qualifications: QualificationInput, **overrides: Any) -> AgencyInput:
    values: dict[str, Any] = {
        "credit_code": VALID,
        "name": "深圳市安信安全技术咨询有限公司",
        "kind": "evaluation_testing",
        "region_code": "440300",
        "qualifications": qualifications or (_qualification(),),
    }
    values.update(overrides)
    return AgencyInput(**values)


@pytest.fixture
async def region(session: AsyncSession) -> None:
    await ensure_region(session, "440300")


async def _reloaded(session: AsyncSession, agency_id: int) -> Agency:
    session.expire_all()  # what the units of work committed, not this session's cache
    agency = await AgencyRepository(session).get(agency_id)
    assert agency is not None
    return agency


# -- registration ----------------------------------------------------------------------


async def test_creates_agency_with_qualifications(
    uow: Callable[[], UnitOfWork], session: AsyncSession, region: None
) -> None:
    qualifications = (
        _qualification(valid_until=TODAY),  # still valid on its last day
        _qualification(name="检验检测机构资质认定", certificate_no="CMA-2024-17", valid_until=None),
    )
    async with uow() as work:
        created = await create_agency(work.session, _input(*qualifications), today=TODAY)
    stored = await AgencyRepository(session).with_qualifications(created.id)
    assert stored is not None
    assert (stored.kind, stored.status, stored.status_changed_at) == (
        AgencyKind.EVALUATION_TESTING,
        AgencyStatus.ACTIVE,
        None,
    )
    assert [(q.certificate_no, q.valid_until) for q in stored.qualifications] == [
        ("APJ-(粤)-001", TODAY),
        ("CMA-2024-17", None),
    ]


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (_input(credit_code=""), "REQUIRED", "creditCode"),
        (_input(credit_code=VALID[:-1] + "Z"), "CREDIT_CODE_CHARACTERS", "creditCode"),
        (_input(name=" "), "REQUIRED", "name"),
        (_input(kind="consulting"), "INVALID_ENUM", "kind"),
        (_input(region_code="4403"), "REGION_CODE_FORMAT", "regionCode"),
        (_input(region_code="410000"), "UNKNOWN_REFERENCE", "regionCode"),
        (_input(_qualification(name="")), "REQUIRED", "qualifications[0].name"),
        (
            _input(_qualification(), _qualification(certificate_no="号" * 65)),
            "TOO_LONG",
            "qualifications[1].certificateNo",
        ),
        (
            _input(_qualification(), _qualification(name="另一资质")),
            "DUPLICATE",
            "qualifications[1].certificateNo",
        ),
        (
            _input(_qualification(valid_until=datetime(2026, 1, 1, tzinfo=BEIJING))),
            "NOT_A_DATE",
            "qualifications[0].validUntil",
        ),
        (
            _input(_qualification(valid_until=TODAY - timedelta(days=1))),
            "QUALIFICATION_EXPIRED",
            "qualifications[0].validUntil",
        ),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    region: None,
    data: AgencyInput,
    code: str,
    field: str,
) -> None:
    error = await refused(uow, session, lambda s: create_agency(s, data, today=TODAY))
    assert only(error) == (code, field)
    # qualification rows reference their agency (FK), so none can be left behind either
    assert await AgencyRepository(session).count() == 0


async def test_expired_qualification_cites_the_rule(
    uow: Callable[[], UnitOfWork], session: AsyncSession, region: None
) -> None:
    data = _input(_qualification(valid_until=date(2020, 1, 1)))
    error = await refused(uow, session, lambda s: create_agency(s, data, today=TODAY))
    assert error.errors[0].rule == "R-7.1-staff"


async def test_duplicate_credit_code_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, region: None
) -> None:
    await agency_factory.create_agency(session, credit_code=VALID)
    error = await refused(uow, session, lambda s: create_agency(s, _input(), today=TODAY))
    assert only(error) == ("DUPLICATE", "creditCode")
    assert await AgencyRepository(session).count() == 1


# -- R-7.1-staff: suspension and reinstatement ---------------------------------------------


async def test_suspend_then_reinstate(uow: Callable[[], UnitOfWork], session: AsyncSession) -> None:
    agency = await agency_factory.create_agency(session)
    async with uow() as work:
        await suspend_agency(work.session, agency.id, "年度考核不合格", AT)
    stored = await _reloaded(session, agency.id)
    assert (stored.status, stored.status_changed_at, stored.status_reason) == (
        AgencyStatus.SUSPENDED,
        AT,
        "年度考核不合格",
    )
    error = await refused(uow, session, lambda s: assert_agency_accepts_work(s, agency.id))
    assert only(error) == ("AGENCY_SUSPENDED", "agencyId")
    assert error.errors[0].rule == "R-7.1-staff"

    later = AT + timedelta(days=30)
    async with uow() as work:
        await reinstate_agency(work.session, agency.id, "整改完成", later)
    stored = await _reloaded(session, agency.id)
    assert (stored.status, stored.status_changed_at) == (AgencyStatus.ACTIVE, later)
    async with uow() as work:
        await assert_agency_accepts_work(work.session, agency.id)


async def test_every_status_change_is_kept_in_the_history(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    """R-7.1-staff: the findings read when an agency was suspended from its history."""
    agency = await agency_factory.create_agency(session)
    later = AT + timedelta(days=30)
    async with uow() as work:
        await suspend_agency(work.session, agency.id, "年度考核不合格", AT)
    async with uow() as work:
        await reinstate_agency(work.session, agency.id, "整改完成", later)
    history = (
        await session.execute(
            select(
                AgencyStatusChange.status, AgencyStatusChange.changed_at, AgencyStatusChange.reason
            )
            .where(AgencyStatusChange.agency_id == agency.id)
            .order_by(AgencyStatusChange.changed_at)
        )
    ).all()
    assert [tuple(h) for h in history] == [
        (AgencyStatus.SUSPENDED, AT, "年度考核不合格"),
        (AgencyStatus.ACTIVE, later, "整改完成"),
    ]


async def test_a_refused_status_change_adds_no_history(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    agency = await agency_factory.create_agency(session)
    await refused(uow, session, lambda s: suspend_agency(s, agency.id, "", AT))
    rows = await session.execute(
        select(AgencyStatusChange.id).where(AgencyStatusChange.agency_id == agency.id)
    )
    assert rows.all() == []


async def test_accepts_work_names_the_callers_field(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    error = await refused(
        uow, session, lambda s: assert_agency_accepts_work(s, 999_999, field="items[2].agencyId")
    )
    assert only(error) == ("UNKNOWN_REFERENCE", "items[2].agencyId")


@pytest.mark.parametrize(
    ("reason", "at", "code", "field"),
    [
        ("", AT, "REQUIRED", "reason"),
        ("原因\x00", AT, "CONTROL_CHARACTER", "reason"),
        ("考核不合格", None, "REQUIRED", "at"),
        ("考核不合格", datetime(2024, 6, 1, 9, 30), "TIMEZONE_REQUIRED", "at"),  # noqa: DTZ001
    ],
)
async def test_status_change_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    reason: str,
    at: datetime,
    code: str,
    field: str,
) -> None:
    agency = await agency_factory.create_agency(session)
    error = await refused(uow, session, lambda s: suspend_agency(s, agency.id, reason, at))
    assert only(error) == (code, field)
    stored = await _reloaded(session, agency.id)
    assert (stored.status, stored.status_changed_at) == (AgencyStatus.ACTIVE, None)


async def test_status_change_before_the_last_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    agency = await agency_factory.create_agency(session)
    async with uow() as work:
        await suspend_agency(work.session, agency.id, "考核不合格", AT)
    earlier = AT - timedelta(minutes=1)
    error = await refused(
        uow, session, lambda s: reinstate_agency(s, agency.id, "整改完成", earlier)
    )
    assert only(error) == ("DATE_ORDER", "at")
    assert error.errors[0].rule == "R-7.1-staff"
    stored = await _reloaded(session, agency.id)
    assert (stored.status, stored.status_changed_at) == (AgencyStatus.SUSPENDED, AT)


async def test_status_change_conflicts(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    active = await agency_factory.create_agency(session)
    suspended = await agency_factory.create_agency(session, status=AgencyStatus.SUSPENDED)
    with pytest.raises(ConflictError) as raised:
        async with uow() as work:
            await reinstate_agency(work.session, active.id, "无", AT)
    assert raised.value.code == "AGENCY_NOT_SUSPENDED"
    with pytest.raises(ConflictError) as raised:
        async with uow() as work:
            await suspend_agency(work.session, suspended.id, "再次暂停", AT)
    assert raised.value.code == "AGENCY_ALREADY_SUSPENDED"
    assert (await _reloaded(session, suspended.id)).status_reason is None


async def test_status_change_of_unknown_agency(uow: Callable[[], UnitOfWork]) -> None:
    with pytest.raises(NotFoundError):
        async with uow() as work:
            await suspend_agency(work.session, 999_999, "考核不合格", AT)


async def test_repository_lists_active_agencies_and_kinds(session: AsyncSession) -> None:
    broker = await agency_factory.create_agency(session, kind=AgencyKind.INSURANCE_BROKER)
    consultancy = await agency_factory.create_agency(session)
    suspended = await agency_factory.create_agency(session, status=AgencyStatus.SUSPENDED)
    repo = AgencyRepository(session)
    assert [a.id for a in await repo.active()] == [broker.id, consultancy.id]
    assert [a.id for a in await repo.active(kind=AgencyKind.CONSULTANCY)] == [consultancy.id]
    assert [a.id for a in await repo.by_kind(AgencyKind.CONSULTANCY)] == [
        consultancy.id,
        suspended.id,
    ]
    assert await repo.by_kind(AgencyKind.SOCIAL_ORGANIZATION) == []
