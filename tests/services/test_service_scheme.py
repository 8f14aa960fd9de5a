"""Service schemes (R-6.1-scheme): every field of 3.4 required, versions never overwritten."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.service_scheme import (
    SchemeInput,
    SchemeItemInput,
    SchemeRevision,
    create_scheme,
    revise_scheme,
)
from store.enums import AgencyStatus, ServiceCategory
from store.models.insurance_policy import InsurancePolicy
from store.repositories.service_scheme import ServiceSchemeRepository
from store.uow import UnitOfWork
from tests.factories.insurance_policy import create_policy
from tests.factories.service_scheme import create_scheme as make_scheme
from tests.factories.world import World, build_world, create_agency, create_staff
from tests.services.refusal import refused, single

AGREED = datetime(2024, 1, 5, 10, 0, tzinfo=UTC)
RULE = "R-6.1-scheme"


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.fixture
async def policy(session: AsyncSession, world: World) -> InsurancePolicy:
    return await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)


def _content(world: World, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "items": (
            SchemeItemInput(ServiceCategory.HAZARD_INVESTIGATION, 2, "春秋两季各一次"),
            SchemeItemInput("training", 1),
        ),
        "time_limits": "每次服务两个工作日内完成",
        "staff_ids": (world.staff.id,),
        "budget": "9600.00",
        "expected_effect": "重大隐患清零，一般隐患整改率95%以上",
        "guarantees": "专家团队驻点",
        "liability_terms": "由保险机构承担服务责任",
        "complaint_arbitration": "向深圳仲裁委员会申请仲裁",
        "agreed_at": AGREED,
        "agency_id": world.agency.id,
    }
    values.update(overrides)
    return values


def _input(world: World, policy: InsurancePolicy, **overrides: Any) -> SchemeInput:
    return SchemeInput(policy_id=policy.id, **_content(world, **overrides))


async def test_creates_version_one_from_the_policy(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    async with uow() as work:
        created = await create_scheme(work.session, _input(world, policy))
    repo = ServiceSchemeRepository(session)
    stored = await repo.with_items(created.id)
    assert stored is not None
    assert (stored.version, stored.supersedes_id) == (1, None)
    assert (stored.insurer_id, stored.unit_id) == (world.insurer.id, world.unit.id)
    assert stored.budget == Decimal("9600.00")
    assert [(i.category, i.frequency_per_year, i.description) for i in stored.items] == [
        (ServiceCategory.HAZARD_INVESTIGATION, 2, "春秋两季各一次"),
        (ServiceCategory.TRAINING, 1, None),
    ]
    assert await repo.staff_ids(created.id) == [world.staff.id]


async def test_revision_is_a_new_row_and_the_old_one_is_untouched(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    async with uow() as work:
        first = await create_scheme(work.session, _input(world, policy))
    other_staff = await create_staff(session, insurer_id=world.insurer.id)
    revision = SchemeRevision(
        supersedes_id=first.id,
        **_content(
            world,
            budget="12000.00",
            staff_ids=(other_staff.id,),
            agreed_at=AGREED + timedelta(days=90),
        ),
    )
    async with uow() as work:
        second = await revise_scheme(work.session, revision)
    async with uow() as work:
        third = await revise_scheme(
            work.session,
            SchemeRevision(
                supersedes_id=second.id, **_content(world, agreed_at=AGREED + timedelta(days=180))
            ),
        )
    repo = ServiceSchemeRepository(session)
    session.expunge_all()
    versions = await repo.versions(policy.id)
    assert [(v.id, v.version, v.supersedes_id) for v in versions] == [
        (first.id, 1, None),
        (second.id, 2, first.id),
        (third.id, 3, second.id),
    ]
    assert [v.budget for v in versions] == [
        Decimal("9600.00"),
        Decimal("12000.00"),
        Decimal("9600.00"),
    ]
    assert await repo.staff_ids(first.id) == [world.staff.id]
    assert await repo.staff_ids(second.id) == [other_staff.id]
    latest = await repo.latest_for_policy(policy.id)
    assert latest is not None and latest.id == third.id


@pytest.mark.parametrize(
    ("overrides", "code", "field", "rule"),
    [
        ({"items": ()}, "AT_LEAST_ONE", "items", RULE),
        (
            {"items": (SchemeItemInput("training", 1), SchemeItemInput("training", 2))},
            "DUPLICATE_CATEGORY",
            "items[1].category",
            RULE,
        ),
        (
            {"items": (SchemeItemInput("training", 0),)},
            "OUT_OF_RANGE",
            "items[0].frequencyPerYear",
            None,
        ),
        ({"items": (SchemeItemInput("tea", 1),)}, "INVALID_ENUM", "items[0].category", None),
        (
            {"items": (SchemeItemInput("training", 1, "培\x00训"),)},
            "CONTROL_CHARACTER",
            "items[0].description",
            None,
        ),
        ({"time_limits": " "}, "REQUIRED", "timeLimits", RULE),
        ({"staff_ids": ()}, "AT_LEAST_ONE", "staffIds", RULE),
        ({"staff_ids": (-3,)}, "OUT_OF_RANGE", "staffIds[0]", None),
        ({"budget": None}, "REQUIRED", "budget", RULE),
        ({"budget": 9600.0}, "MONEY_NOT_DECIMAL", "budget", None),
        ({"budget": "-1"}, "MONEY_NEGATIVE", "budget", None),
        ({"expected_effect": ""}, "REQUIRED", "expectedEffect", RULE),
        ({"guarantees": None}, "REQUIRED", "guarantees", RULE),
        ({"liability_terms": "\n"}, "REQUIRED", "liabilityTerms", RULE),
        ({"complaint_arbitration": ""}, "REQUIRED", "complaintArbitration", RULE),
        ({"agreed_at": None}, "REQUIRED", "agreedAt", RULE),
        ({"agreed_at": datetime(2024, 1, 5, 10, 0)}, "TIMEZONE_REQUIRED", "agreedAt", None),  # noqa: DTZ001
        ({"agency_id": 0}, "OUT_OF_RANGE", "agencyId", None),
        ({"time_limits": "长" * 10_001}, "TOO_LONG", "timeLimits", None),
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
    error = single(await refused(uow, session, lambda s: create_scheme(s, bad)))
    assert (error.code, error.field, error.rule) == (code, field, rule)


async def test_duplicate_staff_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    bad = _input(world, policy, staff_ids=(world.staff.id, world.staff.id))
    error = single(await refused(uow, session, lambda s: create_scheme(s, bad)))
    assert (error.code, error.field) == ("DUPLICATE_ENTRY", "staffIds[1]")


async def test_unknown_policy_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    bad = SchemeInput(policy_id=999_999, **_content(world))
    error = single(await refused(uow, session, lambda s: create_scheme(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "policyId")


async def test_unknown_staff_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    bad = _input(world, policy, staff_ids=(world.staff.id, 999_999))
    error = single(await refused(uow, session, lambda s: create_scheme(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "staffIds[1]")


async def test_unknown_agency_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    bad = _input(world, policy, agency_id=999_999)
    error = single(await refused(uow, session, lambda s: create_scheme(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "agencyId")


async def test_suspended_agency_gets_no_scheme(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    suspended = await create_agency(session, status=AgencyStatus.SUSPENDED)
    bad = _input(world, policy, agency_id=suspended.id)
    error = single(await refused(uow, session, lambda s: create_scheme(s, bad)))
    assert (error.code, error.field, error.rule) == ("AGENCY_SUSPENDED", "agencyId", "R-7.1-staff")


async def test_scheme_without_agency_is_fine(
    uow: Callable[[], UnitOfWork], world: World, policy: InsurancePolicy
) -> None:
    async with uow() as work:
        created = await create_scheme(work.session, _input(world, policy, agency_id=None))
    assert created.agency_id is None


async def test_second_first_version_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    await make_scheme(session, policy)
    error = single(await refused(uow, session, lambda s: create_scheme(s, _input(world, policy))))
    assert (error.code, error.field, error.rule) == ("SCHEME_EXISTS", "policyId", RULE)


async def test_revising_an_old_version_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    first = await make_scheme(session, policy)
    await make_scheme(session, policy, version=2, supersedes_id=first.id)
    bad = SchemeRevision(supersedes_id=first.id, **_content(world))
    error = single(await refused(uow, session, lambda s: revise_scheme(s, bad)))
    assert (error.code, error.field, error.rule) == ("SCHEME_NOT_LATEST", "supersedesId", RULE)


async def test_revising_an_unknown_scheme_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    bad = SchemeRevision(supersedes_id=999_999, **_content(world))
    error = single(await refused(uow, session, lambda s: revise_scheme(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "supersedesId")


async def test_revision_agreed_before_its_predecessor_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    first = await make_scheme(session, policy, agreed_at=AGREED)
    bad = SchemeRevision(
        supersedes_id=first.id, **_content(world, agreed_at=AGREED - timedelta(days=1))
    )
    error = single(await refused(uow, session, lambda s: revise_scheme(s, bad)))
    assert (error.code, error.field) == ("DATE_ORDER", "agreedAt")


async def test_revision_refuses_a_suspended_agency_too(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    first = await make_scheme(session, policy)
    suspended = await create_agency(session, status=AgencyStatus.SUSPENDED)
    bad = SchemeRevision(supersedes_id=first.id, **_content(world, agency_id=suspended.id))
    error = single(await refused(uow, session, lambda s: revise_scheme(s, bad)))
    assert (error.code, error.field) == ("AGENCY_SUSPENDED", "agencyId")
