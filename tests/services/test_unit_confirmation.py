"""Units confirm or dispute completed records (R-6.3-archive); decisions are append-only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.unit_confirmation import ConfirmationInput, decide_on_record
from store.enums import ConfirmationDecision, ServiceStatus
from store.models.service_record import ServiceRecord
from store.repositories.service_record import ServiceRecordRepository
from store.repositories.unit_confirmation import UnitConfirmationRepository
from store.uow import UnitOfWork
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import COMPLETED, create_service_record
from tests.factories.unit_confirmation import create_confirmation
from tests.factories.world import World, build_world, create_unit
from tests.services.refusal import refused, single

RULE = "R-6.3-archive"
DECIDED = COMPLETED + timedelta(days=3)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.fixture
async def record(session: AsyncSession, world: World) -> ServiceRecord:
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    return await create_service_record(session, policy)


def _input(record: ServiceRecord, **overrides: Any) -> ConfirmationInput:
    values: dict[str, Any] = {
        "service_record_id": record.id,
        "unit_id": record.unit_id,
        "decision": "confirmed",
        "decided_at": DECIDED,
    }
    values.update(overrides)
    return ConfirmationInput(**values)


async def _status(uow: Callable[[], UnitOfWork], record_id: int) -> ServiceStatus:
    async with uow() as work:
        stored = await ServiceRecordRepository(work.session).get(record_id)
    assert stored is not None
    return stored.status


async def test_confirmation_marks_the_record_confirmed(
    uow: Callable[[], UnitOfWork], record: ServiceRecord
) -> None:
    async with uow() as work:
        created = await decide_on_record(work.session, _input(record))
    assert created.decision is ConfirmationDecision.CONFIRMED
    assert await _status(uow, record.id) is ServiceStatus.CONFIRMED


async def test_a_new_decision_is_a_new_row(
    uow: Callable[[], UnitOfWork], session: AsyncSession, record: ServiceRecord
) -> None:
    async with uow() as work:
        first = await decide_on_record(
            work.session, _input(record, decision="disputed", reason="隐患清单与现场不符")
        )
    assert await _status(uow, record.id) is ServiceStatus.DISPUTED
    async with uow() as work:
        second = await decide_on_record(
            work.session, _input(record, decided_at=DECIDED + timedelta(days=1))
        )
    assert await _status(uow, record.id) is ServiceStatus.CONFIRMED
    repo = UnitConfirmationRepository(session)
    rows = await repo.for_record(record.id)
    assert [(r.id, r.decision, r.reason) for r in rows] == [
        (first.id, ConfirmationDecision.DISPUTED, "隐患清单与现场不符"),
        (second.id, ConfirmationDecision.CONFIRMED, None),
    ]
    latest = await repo.latest(record.id)
    assert latest is not None and latest.id == second.id


@pytest.mark.parametrize(
    ("overrides", "code", "field", "rule"),
    [
        ({"unit_id": 0}, "OUT_OF_RANGE", "unitId", None),
        ({"decision": "maybe"}, "INVALID_ENUM", "decision", None),
        ({"decided_at": datetime(2024, 3, 5)}, "TIMEZONE_REQUIRED", "decidedAt", None),  # noqa: DTZ001
        ({"decision": "disputed"}, "REASON_REQUIRED", "reason", RULE),
        ({"decision": "disputed", "reason": "  "}, "REASON_REQUIRED", "reason", RULE),
        ({"decided_at": COMPLETED - timedelta(hours=1)}, "DATE_ORDER", "decidedAt", RULE),
        ({"service_record_id": 999_999}, "UNKNOWN_REFERENCE", "serviceRecordId", None),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    record: ServiceRecord,
    overrides: dict[str, Any],
    code: str,
    field: str,
    rule: str | None,
) -> None:
    bad = _input(record, **overrides)
    error = single(await refused(uow, session, lambda s: decide_on_record(s, bad)))
    assert (error.code, error.field, error.rule) == (code, field, rule)
    assert await _status(uow, record.id) is ServiceStatus.COMPLETED


async def test_another_units_record_is_unknown(
    uow: Callable[[], UnitOfWork], session: AsyncSession, record: ServiceRecord
) -> None:
    # The same answer as for a record that does not exist: existence must not leak.
    stranger = await create_unit(session)
    bad = _input(record, unit_id=stranger.id)
    error = single(await refused(uow, session, lambda s: decide_on_record(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "serviceRecordId")
    assert await _status(uow, record.id) is ServiceStatus.COMPLETED


async def test_a_planned_record_cannot_be_confirmed(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    planned = await create_service_record(session, policy, completed=False)
    bad = _input(planned)
    error = single(await refused(uow, session, lambda s: decide_on_record(s, bad)))
    assert (error.code, error.field, error.rule) == (
        "RECORD_NOT_COMPLETED",
        "serviceRecordId",
        RULE,
    )
    assert await _status(uow, planned.id) is ServiceStatus.PLANNED


async def test_a_decision_dated_before_the_previous_one_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, record: ServiceRecord
) -> None:
    await create_confirmation(session, record, decided_at=DECIDED)
    bad = _input(
        record, decision="disputed", reason="迟来的异议", decided_at=DECIDED - timedelta(hours=1)
    )
    error = single(await refused(uow, session, lambda s: decide_on_record(s, bad)))
    assert (error.code, error.field) == ("DATE_ORDER", "decidedAt")
