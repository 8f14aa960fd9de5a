"""Follow-ups (R-6.3-followup): only after a completed service, satisfaction 1..5."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.follow_up import FollowUpInput, record_follow_up
from store.enums import FollowUpMethod
from store.models.service_record import ServiceRecord
from store.repositories.follow_up import FollowUpRepository
from store.uow import UnitOfWork
from tests.factories.follow_up import create_follow_up
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import COMPLETED, create_service_record
from tests.factories.world import World, build_world
from tests.services.refusal import refused, single

RULE = "R-6.3-followup"


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.fixture
async def record(session: AsyncSession, world: World) -> ServiceRecord:
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    return await create_service_record(session, policy)


def _input(record: ServiceRecord, **overrides: Any) -> FollowUpInput:
    values: dict[str, Any] = {
        "service_record_id": record.id,
        "method": "phone",
        "visited_at": COMPLETED + timedelta(days=2),
        "satisfaction": 4,
        "comments": "报告清楚，希望增加培训",
    }
    values.update(overrides)
    return FollowUpInput(**values)


async def test_records_follow_up(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, record: ServiceRecord
) -> None:
    async with uow() as work:
        created = await record_follow_up(
            work.session, _input(record, method=FollowUpMethod.ON_SITE, staff_id=world.staff.id)
        )
    stored = await FollowUpRepository(session).for_record(record.id)
    assert [(f.id, f.method, f.satisfaction, f.staff_id) for f in stored] == [
        (created.id, FollowUpMethod.ON_SITE, 4, world.staff.id)
    ]


async def test_follow_up_right_at_completion_is_fine(
    uow: Callable[[], UnitOfWork], record: ServiceRecord
) -> None:
    async with uow() as work:
        created = await record_follow_up(work.session, _input(record, visited_at=COMPLETED))
    assert created.visited_at == COMPLETED


async def test_late_follow_up_is_recorded_not_refused(
    uow: Callable[[], UnitOfWork], record: ServiceRecord
) -> None:
    # Lateness is a compliance finding (5 working days), measured elsewhere.
    async with uow() as work:
        created = await record_follow_up(
            work.session, _input(record, visited_at=COMPLETED + timedelta(days=40))
        )
    assert created.id is not None


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"service_record_id": 0}, "OUT_OF_RANGE", "serviceRecordId"),
        ({"method": "letter"}, "INVALID_ENUM", "method"),
        ({"method": None}, "REQUIRED", "method"),
        ({"visited_at": datetime(2024, 3, 2, 10)}, "TIMEZONE_REQUIRED", "visitedAt"),  # noqa: DTZ001
        ({"satisfaction": 0}, "OUT_OF_RANGE", "satisfaction"),
        ({"satisfaction": 6}, "OUT_OF_RANGE", "satisfaction"),
        ({"satisfaction": True}, "NOT_AN_INTEGER", "satisfaction"),
        ({"comments": "好\x00"}, "CONTROL_CHARACTER", "comments"),
        ({"staff_id": -1}, "OUT_OF_RANGE", "staffId"),
    ],
)
async def test_input_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    record: ServiceRecord,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    bad = _input(record, **overrides)
    error = single(await refused(uow, session, lambda s: record_follow_up(s, bad)))
    assert (error.code, error.field) == (code, field)


async def test_follow_up_before_service_end_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, record: ServiceRecord
) -> None:
    bad = _input(record, visited_at=COMPLETED - timedelta(minutes=1))
    error = single(await refused(uow, session, lambda s: record_follow_up(s, bad)))
    assert (error.code, error.field, error.rule) == (
        "FOLLOW_UP_BEFORE_SERVICE_END",
        "visitedAt",
        RULE,
    )


async def test_follow_up_of_a_planned_service_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    planned = await create_service_record(session, policy, completed=False)
    bad = _input(planned)
    error = single(await refused(uow, session, lambda s: record_follow_up(s, bad)))
    assert (error.code, error.field, error.rule) == (
        "RECORD_NOT_COMPLETED",
        "serviceRecordId",
        RULE,
    )


async def test_follow_up_of_an_unknown_record_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, record: ServiceRecord
) -> None:
    bad = _input(record, service_record_id=999_999)
    error = single(await refused(uow, session, lambda s: record_follow_up(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "serviceRecordId")


async def test_unknown_staff_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, record: ServiceRecord
) -> None:
    bad = _input(record, staff_id=999_999)
    error = single(await refused(uow, session, lambda s: record_follow_up(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "staffId")


async def test_repository_lists_follow_ups_in_visit_order(
    session: AsyncSession, record: ServiceRecord
) -> None:
    second = await create_follow_up(session, record, visited_at=COMPLETED + timedelta(days=3))
    first = await create_follow_up(session, record, visited_at=COMPLETED + timedelta(days=1))
    listed = await FollowUpRepository(session).for_record(record.id)
    assert [f.id for f in listed] == [first.id, second.id]
