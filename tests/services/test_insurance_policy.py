"""Registering policies (R-4.1-contract): valid input is stored with its items; each refusal
has its code and field and writes nothing, not even an item row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.insurance_policy import PolicyInput, PolicyItemInput, create_policy
from store.enums import ServiceCategory
from store.models.insurer_branch import InsurerBranch
from store.repositories.insurance_policy import InsurancePolicyRepository
from store.uow import UnitOfWork
from tests.factories.insurance_policy import create_policy as make_policy
from tests.factories.insurer import create_insurer
from tests.factories.world import CITY, World, build_world
from tests.services.refusal import refused, single


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


def _input(world: World, **overrides: Any) -> PolicyInput:
    values: dict[str, Any] = {
        "insurer_id": world.insurer.id,
        "unit_id": world.unit.id,
        "policy_no": "PAZX2024000001",
        "period_start": date(2024, 1, 1),
        "period_end": date(2025, 1, 1),
        "premium": "48000.00",
        "prevention_fee_ratio": "0.2",
        "items": (
            PolicyItemInput(ServiceCategory.HAZARD_INVESTIGATION, 2),
            PolicyItemInput("training", 1),
        ),
    }
    values.update(overrides)
    return PolicyInput(**values)


async def test_creates_policy_with_items(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    async with uow() as work:
        created = await create_policy(work.session, _input(world))
    stored = await InsurancePolicyRepository(session).with_items(created.id)
    assert stored is not None
    assert stored.premium == Decimal("48000.00")
    assert stored.prevention_fee_ratio == Decimal("0.2000")
    assert [(i.category, i.frequency_per_year) for i in stored.service_items] == [
        (ServiceCategory.HAZARD_INVESTIGATION, 2),
        (ServiceCategory.TRAINING, 1),
    ]


async def test_policy_with_branch_of_its_insurer(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    branch = InsurerBranch(insurer_id=world.insurer.id, name="深圳分公司", region_code=CITY)
    session.add(branch)
    await session.flush()
    async with uow() as work:
        created = await create_policy(work.session, _input(world, branch_id=branch.id))
    assert created.branch_id == branch.id


async def test_same_number_at_another_insurer_is_fine(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    other = await create_insurer(session)
    await make_policy(session, insurer_id=other.id, unit_id=world.unit.id, policy_no="P-1")
    async with uow() as work:
        created = await create_policy(work.session, _input(world, policy_no="P-1"))
    assert created.insurer_id == world.insurer.id


_HAZARD = ServiceCategory.HAZARD_INVESTIGATION


@pytest.mark.parametrize(
    ("overrides", "code", "field", "rule"),
    [
        ({"insurer_id": 0}, "OUT_OF_RANGE", "insurerId", None),
        ({"policy_no": " "}, "REQUIRED", "policyNo", None),
        ({"policy_no": "P" * 65}, "TOO_LONG", "policyNo", None),
        ({"period_start": None}, "REQUIRED", "periodStart", None),
        ({"period_end": date(2024, 1, 1)}, "DATE_ORDER", "periodEnd", None),
        ({"period_end": date(2023, 6, 1)}, "DATE_ORDER", "periodEnd", None),
        ({"period_start": datetime(2024, 1, 1, tzinfo=UTC)}, "NOT_A_DATE", "periodStart", None),
        ({"premium": 48000.0}, "MONEY_NOT_DECIMAL", "premium", None),
        ({"premium": "0"}, "MONEY_NOT_POSITIVE", "premium", None),
        ({"premium": "-1.00"}, "MONEY_NOT_POSITIVE", "premium", None),
        ({"premium": "1.005"}, "MONEY_PRECISION", "premium", None),
        ({"prevention_fee_ratio": 0.2}, "RATIO_NOT_DECIMAL", "preventionFeeRatio", None),
        ({"prevention_fee_ratio": "1.5"}, "RATIO_OUT_OF_RANGE", "preventionFeeRatio", None),
        ({"items": ()}, "AT_LEAST_ONE", "items", "R-4.1-contract"),
        (
            {"items": (PolicyItemInput(_HAZARD, 1), PolicyItemInput("hazard_investigation", 2))},
            "DUPLICATE_CATEGORY",
            "items[1].category",
            "R-4.1-contract",
        ),
        ({"items": (PolicyItemInput("cleaning", 1),)}, "INVALID_ENUM", "items[0].category", None),
        (
            {"items": (PolicyItemInput(_HAZARD, 0),)},
            "OUT_OF_RANGE",
            "items[0].frequencyPerYear",
            None,
        ),
    ],
)
async def test_input_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    world: World,
    overrides: dict[str, Any],
    code: str,
    field: str,
    rule: str | None,
) -> None:
    error = single(
        await refused(uow, session, lambda s: create_policy(s, _input(world, **overrides)))
    )
    assert (error.code, error.field, error.rule) == (code, field, rule)


async def test_unknown_insurer_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    error = single(
        await refused(uow, session, lambda s: create_policy(s, _input(world, insurer_id=999_999)))
    )
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "insurerId")


async def test_unknown_unit_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    error = single(
        await refused(uow, session, lambda s: create_policy(s, _input(world, unit_id=999_999)))
    )
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "unitId")


async def test_branch_of_another_insurer_is_unknown(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    other = await create_insurer(session)
    branch = InsurerBranch(insurer_id=other.id, name="别家分公司", region_code=CITY)
    session.add(branch)
    await session.flush()
    error = single(
        await refused(uow, session, lambda s: create_policy(s, _input(world, branch_id=branch.id)))
    )
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "branchId")


async def test_policy_number_is_unique_per_insurer(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    await make_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id, policy_no="P-1")
    error = single(
        await refused(uow, session, lambda s: create_policy(s, _input(world, policy_no="P-1")))
    )
    assert (error.code, error.field) == ("DUPLICATE", "policyNo")


async def test_every_field_error_is_reported_at_once(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    bad = _input(world, policy_no="", premium=1.0, items=())
    error = await refused(uow, session, lambda s: create_policy(s, bad))
    assert [(e.code, e.field) for e in error.errors] == [
        ("REQUIRED", "policyNo"),
        ("MONEY_NOT_DECIMAL", "premium"),
        ("AT_LEAST_ONE", "items"),
    ]


async def test_repository_lists_a_units_policies_by_period(
    session: AsyncSession, world: World
) -> None:
    later = await make_policy(
        session,
        insurer_id=world.insurer.id,
        unit_id=world.unit.id,
        period_start=date(2025, 1, 1),
        period_end=date(2026, 1, 1),
    )
    earlier = await make_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    session.expunge_all()
    policies = await InsurancePolicyRepository(session).for_unit(world.unit.id)
    assert [p.id for p in policies] == [earlier.id, later.id]
    assert [len(p.service_items) for p in policies] == [2, 2]
