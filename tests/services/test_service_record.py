"""Service records: valid records are stored with hazards and staff; each refusal has its code
and field and writes nothing (no record, hazard or staff row); completion is a transition."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.hazard import HazardInput
from services.service_record import (
    CompletionInput,
    ServiceRecordInput,
    complete_service_record,
    create_service_record,
)
from store.enums import AgencyKind, AgencyStatus, ResponsibleParty, ServiceStatus
from store.models.insurance_policy import InsurancePolicy
from store.repositories.service_record import ServiceRecordRepository
from store.uow import UnitOfWork
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import COMPLETED, STARTED
from tests.factories.service_record import create_service_record as make_record
from tests.factories.service_scheme import create_scheme
from tests.factories.world import World, build_world, create_agency, create_unit
from tests.services.refusal import refused, single

FOUND = STARTED + timedelta(hours=1)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.fixture
async def policy(session: AsyncSession, world: World) -> InsurancePolicy:
    return await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)


def _hazard(**overrides: Any) -> HazardInput:
    values: dict[str, Any] = {
        "description": "储罐区可燃气体报警器失效",
        "is_major": True,
        "found_at": FOUND,
        "told_at": FOUND + timedelta(minutes=30),
    }
    values.update(overrides)
    return HazardInput(**values)


def _input(world: World, policy: InsurancePolicy, **overrides: Any) -> ServiceRecordInput:
    values: dict[str, Any] = {
        "insurer_id": world.insurer.id,
        "unit_id": world.unit.id,
        "policy_id": policy.id,
        "category": "hazard_investigation",
        "planned_on": date(2024, 3, 1),
        "place": "深圳市南山区科技园厂区",
        "content": "储罐区、装卸区隐患排查",
        "responsible_party": ResponsibleParty.INSURER,
        "agency_id": world.agency.id,
        "started_at": STARTED,
        "completed_at": COMPLETED,
        "staff_ids": (world.staff.id,),
        "hazards": (_hazard(),),
    }
    values.update(overrides)
    return ServiceRecordInput(**values)


async def _reload(uow: Callable[[], UnitOfWork], record_id: int) -> Any:
    async with uow() as work:
        return await ServiceRecordRepository(work.session).with_hazards(record_id)


# -- creating --------------------------------------------------------------------------------


async def test_creates_completed_record_with_hazards_and_staff(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    async with uow() as work:
        created = await create_service_record(work.session, _input(world, policy))
    stored = await ServiceRecordRepository(session).with_hazards(created.id)
    assert stored is not None
    assert stored.status is ServiceStatus.COMPLETED
    assert (stored.started_at, stored.completed_at) == (STARTED, COMPLETED)
    assert [h.description for h in stored.hazards] == ["储罐区可燃气体报警器失效"]
    assert await ServiceRecordRepository(session).staff_ids(created.id) == [world.staff.id]


async def test_planned_record_has_no_times(
    uow: Callable[[], UnitOfWork], world: World, policy: InsurancePolicy
) -> None:
    data = _input(world, policy, started_at=None, completed_at=None, hazards=(), staff_ids=())
    async with uow() as work:
        created = await create_service_record(work.session, data)
    assert created.status is ServiceStatus.PLANNED


async def test_untold_major_hazard_is_stored(
    uow: Callable[[], UnitOfWork], world: World, policy: InsurancePolicy
) -> None:
    # R-6.2-major-hazard: not telling the unit is a finding, not a reason to lose the record.
    data = _input(world, policy, hazards=(_hazard(told_at=None),))
    async with uow() as work:
        created = await create_service_record(work.session, data)
    stored = await _reload(uow, created.id)
    assert [(h.is_major, h.told_at) for h in stored.hazards] == [(True, None)]


async def test_minor_hazard_may_carry_told_at(
    uow: Callable[[], UnitOfWork], world: World, policy: InsurancePolicy
) -> None:
    data = _input(world, policy, hazards=(_hazard(is_major=False),))
    async with uow() as work:
        created = await create_service_record(work.session, data)
    stored = await _reload(uow, created.id)
    assert stored.hazards[0].told_at == FOUND + timedelta(minutes=30)


@pytest.mark.parametrize("party", [ResponsibleParty.BROKER, ResponsibleParty.THIRD_PARTY])
async def test_broker_or_third_party_answers_for_the_service(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    world: World,
    policy: InsurancePolicy,
    party: ResponsibleParty,
) -> None:
    broker = await create_agency(session, kind=AgencyKind.INSURANCE_BROKER)
    data = _input(world, policy, responsible_party=party, responsible_agency_id=broker.id)
    async with uow() as work:
        created = await create_service_record(work.session, data)
    assert (created.responsible_party, created.responsible_agency_id) == (party, broker.id)


async def test_record_under_a_scheme_of_its_policy(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    scheme = await create_scheme(session, policy)
    async with uow() as work:
        created = await create_service_record(
            work.session, _input(world, policy, scheme_id=scheme.id)
        )
    assert created.scheme_id == scheme.id


_NAIVE = datetime(2024, 3, 1, 9, 0)  # noqa: DTZ001 - the point of the test
_MAJOR = "R-6.2-major-hazard"
_ARCHIVE = "R-6.3-archive"
_RESP = "R-5.3-responsibility"


@pytest.mark.parametrize(
    ("overrides", "code", "field", "rule"),
    [
        ({"insurer_id": 0}, "OUT_OF_RANGE", "insurerId", None),
        ({"category": "cleaning"}, "INVALID_ENUM", "category", None),
        ({"planned_on": None}, "REQUIRED", "plannedOn", None),
        ({"planned_on": STARTED}, "NOT_A_DATE", "plannedOn", None),
        ({"place": " "}, "REQUIRED", "place", None),
        ({"place": "厂" * 257}, "TOO_LONG", "place", None),
        ({"content": ""}, "REQUIRED", "content", None),
        ({"process": "a\x07b"}, "CONTROL_CHARACTER", "process", None),
        ({"responsible_party": "nobody"}, "INVALID_ENUM", "responsibleParty", None),
        (
            {"responsible_party": "broker"},
            "RESPONSIBLE_AGENCY_REQUIRED",
            "responsibleAgencyId",
            _RESP,
        ),
        (
            {"responsible_party": ResponsibleParty.THIRD_PARTY},
            "RESPONSIBLE_AGENCY_REQUIRED",
            "responsibleAgencyId",
            _RESP,
        ),
        ({"started_at": _NAIVE}, "TIMEZONE_REQUIRED", "startedAt", None),
        ({"completed_at": STARTED - timedelta(minutes=1)}, "DATE_ORDER", "completedAt", None),
        ({"started_at": None, "hazards": ()}, "REQUIRED", "startedAt", None),
        (
            {"completed_at": None, "organised_at": COMPLETED},
            "RECORD_NOT_COMPLETED",
            "organisedAt",
            _ARCHIVE,
        ),
        ({"organised_at": COMPLETED - timedelta(hours=1)}, "DATE_ORDER", "organisedAt", _ARCHIVE),
        ({"started_at": None, "completed_at": None}, "REQUIRED", "startedAt", None),
        ({"hazards": (_hazard(description=""),)}, "REQUIRED", "hazards[0].description", None),
        ({"hazards": (_hazard(found_at=_NAIVE),)}, "TIMEZONE_REQUIRED", "hazards[0].foundAt", None),
        (
            {"hazards": (_hazard(), _hazard(found_at=STARTED - timedelta(minutes=5)))},
            "DATE_ORDER",
            "hazards[1].foundAt",
            None,
        ),
        (
            {"hazards": (_hazard(told_at=FOUND - timedelta(minutes=1)),)},
            "DATE_ORDER",
            "hazards[0].toldAt",
            _MAJOR,
        ),
        (
            {"hazards": (_hazard(rectified_at=FOUND - timedelta(days=1)),)},
            "DATE_ORDER",
            "hazards[0].rectifiedAt",
            None,
        ),
        ({"staff_ids": (0,)}, "OUT_OF_RANGE", "staffIds[0]", None),
    ],
)
async def test_input_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    world: World,
    policy: InsurancePolicy,
    overrides: dict[str, Any],
    code: str,
    field: str,
    rule: str | None,
) -> None:
    bad = _input(world, policy, **overrides)
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field, error.rule) == (code, field, rule)


async def test_insurer_answering_names_no_agency(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    bad = _input(world, policy, responsible_agency_id=world.agency.id)
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field, error.rule) == (
        "RESPONSIBLE_AGENCY_FORBIDDEN",
        "responsibleAgencyId",
        _RESP,
    )


async def test_duplicate_staff_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    bad = _input(world, policy, staff_ids=(world.staff.id, world.staff.id))
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field) == ("DUPLICATE_ENTRY", "staffIds[1]")


async def test_unknown_staff_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    bad = _input(world, policy, staff_ids=(999_999,))
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "staffIds[0]")


async def test_unknown_policy_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    bad = _input(world, policy, policy_id=999_999)
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "policyId")


async def test_policy_of_another_unit_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    other = await create_unit(session)
    bad = _input(world, policy, unit_id=other.id)
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field) == ("POLICY_MISMATCH", "policyId")


async def test_unknown_scheme_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    bad = _input(world, policy, scheme_id=999_999)
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "schemeId")


async def test_scheme_of_another_policy_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    other_policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    scheme = await create_scheme(session, other_policy)
    bad = _input(world, policy, scheme_id=scheme.id)
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field, error.rule) == (
        "SCHEME_POLICY_MISMATCH",
        "schemeId",
        "R-6.1-scheme",
    )


async def test_unknown_agency_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    bad = _input(world, policy, agency_id=999_999)
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "agencyId")


async def test_suspended_agency_gets_no_new_work(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    suspended = await create_agency(session, status=AgencyStatus.SUSPENDED)
    bad = _input(world, policy, agency_id=suspended.id)
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field, error.rule) == ("AGENCY_SUSPENDED", "agencyId", "R-7.1-staff")


async def test_suspended_broker_organises_no_new_work(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    suspended = await create_agency(
        session, kind=AgencyKind.INSURANCE_BROKER, status=AgencyStatus.SUSPENDED
    )
    bad = _input(world, policy, responsible_party="broker", responsible_agency_id=suspended.id)
    error = single(await refused(uow, session, lambda s: create_service_record(s, bad)))
    assert (error.code, error.field) == ("AGENCY_SUSPENDED", "responsibleAgencyId")


# -- completing ------------------------------------------------------------------------------


async def test_completes_a_planned_record_adding_hazards(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    planned = await make_record(session, policy, completed=False)
    data = CompletionInput(
        record_id=planned.id,
        started_at=STARTED,
        completed_at=COMPLETED,
        organised_at=COMPLETED + timedelta(days=2),
        process="现场检查并出具隐患清单",
        hazards=(_hazard(told_at=None),),
    )
    async with uow() as work:
        await complete_service_record(work.session, data)
    stored = await _reload(uow, planned.id)
    assert stored.status is ServiceStatus.COMPLETED
    assert (stored.started_at, stored.completed_at) == (STARTED, COMPLETED)
    assert stored.process == "现场检查并出具隐患清单"
    assert [h.told_at for h in stored.hazards] == [None]


async def test_completion_keeps_the_recorded_start(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    planned = await make_record(session, policy, completed=False, started_at=STARTED)
    async with uow() as work:
        await complete_service_record(
            work.session, CompletionInput(record_id=planned.id, completed_at=COMPLETED)
        )
    stored = await _reload(uow, planned.id)
    assert (stored.started_at, stored.status) == (STARTED, ServiceStatus.COMPLETED)


async def test_agency_suspended_since_planning_may_still_complete(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    agency = await create_agency(session, status=AgencyStatus.SUSPENDED)
    planned = await make_record(session, policy, completed=False, agency_id=agency.id)
    async with uow() as work:
        done = await complete_service_record(
            work.session,
            CompletionInput(record_id=planned.id, started_at=STARTED, completed_at=COMPLETED),
        )
    assert done.status is ServiceStatus.COMPLETED


@pytest.mark.parametrize(
    ("planned_start", "overrides", "code", "field"),
    [
        (None, {"completed_at": _NAIVE}, "TIMEZONE_REQUIRED", "completedAt"),
        (None, {"record_id": 0}, "OUT_OF_RANGE", "recordId"),
        (None, {}, "REQUIRED", "startedAt"),
        (None, {"hazards": (_hazard(),)}, "REQUIRED", "startedAt"),
        (STARTED, {"started_at": STARTED}, "NOT_ALLOWED", "startedAt"),
        (STARTED, {"completed_at": STARTED - timedelta(hours=1)}, "DATE_ORDER", "completedAt"),
        (STARTED, {"organised_at": COMPLETED - timedelta(hours=1)}, "DATE_ORDER", "organisedAt"),
        (
            STARTED,
            {"hazards": (_hazard(found_at=STARTED - timedelta(hours=1)),)},
            "DATE_ORDER",
            "hazards[0].foundAt",
        ),
    ],
)
async def test_completion_refusals_change_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    world: World,
    policy: InsurancePolicy,
    planned_start: datetime | None,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    planned = await make_record(session, policy, completed=False, started_at=planned_start)
    values: dict[str, Any] = {"record_id": planned.id, "completed_at": COMPLETED}
    values.update(overrides)
    bad = CompletionInput(**values)
    error = single(await refused(uow, session, lambda s: complete_service_record(s, bad)))
    assert (error.code, error.field) == (code, field)
    stored = await _reload(uow, planned.id)
    assert (stored.status, stored.completed_at, stored.hazards) == (ServiceStatus.PLANNED, None, [])


async def test_completing_an_unknown_record_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    bad = CompletionInput(record_id=999_999, completed_at=COMPLETED)
    error = single(await refused(uow, session, lambda s: complete_service_record(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "recordId")


async def test_completing_twice_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    done = await make_record(session, policy)
    bad = CompletionInput(record_id=done.id, completed_at=COMPLETED + timedelta(days=1))
    error = single(await refused(uow, session, lambda s: complete_service_record(s, bad)))
    assert (error.code, error.field) == ("INVALID_TRANSITION", "recordId")
    stored = await _reload(uow, done.id)
    assert stored.completed_at == COMPLETED


# -- queries ---------------------------------------------------------------------------------


async def test_lists_order_by_completion_with_planned_last(
    session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    planned = await make_record(session, policy, completed=False, agency_id=world.agency.id)
    late = await make_record(
        session, policy, completed_at=COMPLETED + timedelta(days=9), agency_id=world.agency.id
    )
    early = await make_record(session, policy, agency_id=world.agency.id)
    broker = await create_agency(session, kind=AgencyKind.INSURANCE_BROKER)
    organised = await make_record(
        session,
        policy,
        completed_at=COMPLETED + timedelta(days=1),
        responsible_party=ResponsibleParty.BROKER,
        responsible_agency_id=broker.id,
    )
    other_unit = await create_unit(session)
    other_policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=other_unit.id)
    elsewhere = await make_record(session, other_policy)
    session.expunge_all()
    repo = ServiceRecordRepository(session)
    assert [r.id for r in await repo.for_unit(world.unit.id)] == [
        early.id,
        organised.id,
        late.id,
        planned.id,
    ]
    assert [r.id for r in await repo.for_insurer(world.insurer.id)] == [
        early.id,
        elsewhere.id,
        organised.id,
        late.id,
        planned.id,
    ]
    assert [r.id for r in await repo.for_agency(world.agency.id)] == [early.id, late.id, planned.id]
    assert [r.id for r in await repo.for_agency(broker.id)] == [organised.id]
    assert all(r.hazards == [] for r in await repo.for_unit(world.unit.id))
