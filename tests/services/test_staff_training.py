"""Recording staff training (R-7.1-staff): the insurer's own staff, past days, decimal hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.staff_training import StaffTrainingInput, create_staff_training
from store.models.staff_member import StaffMember
from store.repositories.staff_training import StaffTrainingRepository
from store.uow import UnitOfWork
from tests.factories.insurer import create_insurer
from tests.factories.staff_member import create_staff_member
from tests.factories.staff_training import create_staff_training as make_training
from tests.services.refusal import only, refused

TODAY = date(2024, 6, 1)


@pytest.fixture
async def manager(session: AsyncSession) -> StaffMember:
    return await create_staff_member(session)


def _input(manager: StaffMember, **overrides: Any) -> StaffTrainingInput:
    values: dict[str, Any] = {
        "staff_id": manager.id,
        "insurer_id": manager.insurer_id,
        "trained_on": TODAY,
        "topic": "事故预防技术服务规范宣贯",
        "hours": "3.5",
        "provider": "中国保险行业协会",
    }
    values.update(overrides)
    return StaffTrainingInput(**values)


@pytest.mark.parametrize(("hours", "stored"), [("3.5", "3.5"), (4, "4.0"), (Decimal("0.5"), "0.5")])
async def test_records_training(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    manager: StaffMember,
    hours: Any,
    stored: str,
) -> None:
    async with uow() as work:
        await create_staff_training(work.session, _input(manager, hours=hours), today=TODAY)
    [training] = await StaffTrainingRepository(session).of_staff(manager.id)
    assert (training.trained_on, training.hours) == (TODAY, Decimal(stored))


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"staff_id": None}, "REQUIRED", "staffId"),
        ({"staff_id": -1}, "OUT_OF_RANGE", "staffId"),
        ({"staff_id": 999_999}, "UNKNOWN_REFERENCE", "staffId"),
        ({"insurer_id": "x"}, "NOT_AN_INTEGER", "insurerId"),
        ({"insurer_id": 999_999}, "UNKNOWN_REFERENCE", "insurerId"),
        ({"trained_on": None}, "REQUIRED", "trainedOn"),
        ({"trained_on": datetime(2024, 5, 1)}, "NOT_A_DATE", "trainedOn"),  # noqa: DTZ001
        ({"trained_on": TODAY + timedelta(days=1)}, "DATE_IN_FUTURE", "trainedOn"),
        ({"topic": " "}, "REQUIRED", "topic"),
        ({"topic": "训" * 201}, "TOO_LONG", "topic"),
        ({"hours": None}, "REQUIRED", "hours"),
        ({"hours": 3.5}, "NUMBER_NOT_DECIMAL", "hours"),
        ({"hours": "three"}, "NUMBER_FORMAT", "hours"),
        ({"hours": "3.25"}, "NUMBER_PRECISION", "hours"),
        ({"hours": "0"}, "NOT_POSITIVE", "hours"),
        ({"hours": "-2"}, "NOT_POSITIVE", "hours"),
        ({"hours": "10000"}, "OUT_OF_RANGE", "hours"),  # NUMERIC(5, 1) holds 9999.9
        ({"provider": "机" * 129}, "TOO_LONG", "provider"),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    manager: StaffMember,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    data = _input(manager, **overrides)
    error = await refused(uow, session, lambda s: create_staff_training(s, data, today=TODAY))
    assert only(error) == (code, field)
    assert await StaffTrainingRepository(session).count() == 0


async def test_future_training_cites_the_rule(
    uow: Callable[[], UnitOfWork], session: AsyncSession, manager: StaffMember
) -> None:
    data = _input(manager, trained_on=TODAY + timedelta(days=1))
    error = await refused(uow, session, lambda s: create_staff_training(s, data, today=TODAY))
    assert error.errors[0].rule == "R-7.1-staff"


async def test_staff_of_another_insurer_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, manager: StaffMember
) -> None:
    other = await create_insurer(session)
    data = _input(manager, insurer_id=other.id)
    error = await refused(uow, session, lambda s: create_staff_training(s, data, today=TODAY))
    assert only(error) == ("STAFF_NOT_OF_INSURER", "staffId")
    assert error.errors[0].rule == "R-7.1-staff"
    assert await StaffTrainingRepository(session).count() == 0


async def test_repository_finds_who_was_trained_in_a_year(
    session: AsyncSession, manager: StaffMember
) -> None:
    assert manager.insurer_id is not None
    insurer_id = manager.insurer_id
    colleague = await create_staff_member(session, insurer_id=insurer_id)
    late = await make_training(session, staff_id=manager.id, insurer_id=insurer_id)
    early = await make_training(
        session, staff_id=manager.id, insurer_id=insurer_id, trained_on=date(2024, 1, 1)
    )
    await make_training(
        session, staff_id=colleague.id, insurer_id=insurer_id, trained_on=date(2023, 12, 31)
    )
    await make_training(session)  # another insurer's manager
    repo = StaffTrainingRepository(session)
    assert [t.id for t in await repo.of_staff(manager.id)] == [early.id, late.id]
    year_2024 = (date(2024, 1, 1), date(2024, 12, 31))
    assert await repo.trained_staff_ids(insurer_id, *year_2024) == {manager.id}
    assert await repo.trained_staff_ids(insurer_id, date(2023, 1, 1), date(2023, 12, 31)) == {
        colleague.id
    }
