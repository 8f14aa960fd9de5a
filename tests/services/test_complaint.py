"""Complaints (R-6.4-complaint): filing, and a three-part answer given once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.complaint import ComplaintAnswer, ComplaintInput, answer_complaint, file_complaint
from store.enums import ComplaintStatus
from store.models.complaint import Complaint
from store.repositories.complaint import ComplaintRepository
from store.uow import UnitOfWork
from tests.factories.complaint import FILED, create_complaint
from tests.factories.insurance_policy import create_policy
from tests.factories.insurer import create_insurer
from tests.factories.service_record import create_service_record
from tests.factories.world import World, build_world, create_unit
from tests.services.refusal import refused, single

RULE = "R-6.4-complaint"
ANSWERED = FILED + timedelta(days=3)
_NAIVE = datetime(2024, 3, 4, 10)  # noqa: DTZ001 - the point of the tests


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.fixture
async def complaint(session: AsyncSession, world: World) -> Complaint:
    return await create_complaint(session, insurer_id=world.insurer.id, unit_id=world.unit.id)


def _filing(world: World, **overrides: Any) -> ComplaintInput:
    values: dict[str, Any] = {
        "insurer_id": world.insurer.id,
        "unit_id": world.unit.id,
        "filed_at": FILED,
        "request": "服务人员未按约定时间到场，要求重新安排",
    }
    values.update(overrides)
    return ComplaintInput(**values)


def _answer(complaint: Complaint, **overrides: Any) -> ComplaintAnswer:
    values: dict[str, Any] = {
        "complaint_id": complaint.id,
        "answered_at": ANSWERED,
        "answer_request": "要求重新安排隐患排查",
        "answer_facts": "经核实，服务人员因交通管制迟到两小时（依据：派车记录）",
        "answer_measures": "已于3月6日重新安排排查，并对服务机构扣减考核分",
    }
    values.update(overrides)
    return ComplaintAnswer(**values)


async def _stored(uow: Callable[[], UnitOfWork], complaint_id: int) -> Complaint:
    async with uow() as work:
        stored = await ComplaintRepository(work.session).get(complaint_id)
    assert stored is not None
    return stored


# -- filing ----------------------------------------------------------------------------------


async def test_files_a_complaint_about_a_service(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    record = await create_service_record(session, policy)
    async with uow() as work:
        created = await file_complaint(
            work.session, _filing(world, service_record_id=record.id, needs_verification=True)
        )
    stored = await _stored(uow, created.id)
    assert (stored.status, stored.service_record_id, stored.needs_verification) == (
        ComplaintStatus.OPEN,
        record.id,
        True,
    )


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"insurer_id": 0}, "OUT_OF_RANGE", "insurerId"),
        ({"insurer_id": 999_999}, "UNKNOWN_REFERENCE", "insurerId"),
        ({"unit_id": 999_999}, "UNKNOWN_REFERENCE", "unitId"),
        ({"service_record_id": 999_999}, "UNKNOWN_REFERENCE", "serviceRecordId"),
        ({"filed_at": _NAIVE}, "TIMEZONE_REQUIRED", "filedAt"),
        ({"request": " \n "}, "REQUIRED", "request"),
        ({"request": "投" * 10_001}, "TOO_LONG", "request"),
    ],
)
async def test_filing_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    world: World,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    bad = _filing(world, **overrides)
    error = single(await refused(uow, session, lambda s: file_complaint(s, bad)))
    assert (error.code, error.field) == (code, field)


async def test_another_units_record_is_unknown(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    stranger = await create_unit(session)
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=stranger.id)
    theirs = await create_service_record(session, policy)
    bad = _filing(world, service_record_id=theirs.id)
    error = single(await refused(uow, session, lambda s: file_complaint(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "serviceRecordId")


async def test_another_insurers_record_is_unknown(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    other = await create_insurer(session)
    policy = await create_policy(session, insurer_id=other.id, unit_id=world.unit.id)
    theirs = await create_service_record(session, policy)
    bad = _filing(world, service_record_id=theirs.id)
    error = single(await refused(uow, session, lambda s: file_complaint(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "serviceRecordId")


# -- answering -------------------------------------------------------------------------------


async def test_answers_with_all_three_parts(
    uow: Callable[[], UnitOfWork], complaint: Complaint
) -> None:
    async with uow() as work:
        await answer_complaint(work.session, _answer(complaint))
    stored = await _stored(uow, complaint.id)
    assert stored.status is ComplaintStatus.ANSWERED
    assert stored.answered_at == ANSWERED
    assert stored.answer_measures == "已于3月6日重新安排排查，并对服务机构扣减考核分"
    assert stored.extension_days is None


async def test_answer_with_an_approved_extension(
    uow: Callable[[], UnitOfWork], complaint: Complaint
) -> None:
    data = _answer(
        complaint,
        answered_at=FILED + timedelta(days=20),
        extension_days=15,
        extension_approver="王经理",
        extension_reason="需调取第三方检测报告",
        extension_told_at=FILED + timedelta(days=4),
    )
    async with uow() as work:
        await answer_complaint(work.session, data)
    stored = await _stored(uow, complaint.id)
    assert (stored.extension_days, stored.extension_approver) == (15, "王经理")
    assert stored.extension_told_at == FILED + timedelta(days=4)


_PART = "ANSWER_PART_MISSING"
_INCOMPLETE = "EXTENSION_INCOMPLETE"


@pytest.mark.parametrize(
    ("overrides", "code", "field", "rule"),
    [
        ({"answer_request": None}, _PART, "answerRequest", RULE),
        ({"answer_facts": " "}, _PART, "answerFacts", RULE),
        ({"answer_measures": ""}, _PART, "answerMeasures", RULE),
        ({"answer_facts": "事实\x1b"}, "CONTROL_CHARACTER", "answerFacts", None),
        ({"answered_at": _NAIVE}, "TIMEZONE_REQUIRED", "answeredAt", None),
        ({"answered_at": FILED - timedelta(minutes=1)}, "DATE_ORDER", "answeredAt", RULE),
        ({"complaint_id": 999_999}, "UNKNOWN_REFERENCE", "complaintId", None),
        (
            {"extension_days": 31, "extension_approver": "王", "extension_reason": "核实"},
            "OUT_OF_RANGE",
            "extensionDays",
            None,
        ),
        (
            {"extension_days": 0, "extension_approver": "王", "extension_reason": "核实"},
            "OUT_OF_RANGE",
            "extensionDays",
            None,
        ),
        (
            {"extension_days": 10, "extension_reason": "核实"},
            _INCOMPLETE,
            "extensionApprover",
            RULE,
        ),
        ({"extension_days": 10, "extension_approver": "王"}, _INCOMPLETE, "extensionReason", RULE),
        (
            {"extension_approver": "王", "extension_reason": "核实"},
            _INCOMPLETE,
            "extensionDays",
            RULE,
        ),
        (
            {
                "extension_days": 10,
                "extension_approver": "王",
                "extension_reason": "核实",
                "extension_told_at": _NAIVE,
            },
            "TIMEZONE_REQUIRED",
            "extensionToldAt",
            None,
        ),
        (
            {
                "extension_days": 10,
                "extension_approver": "王",
                "extension_reason": "核实",
                "extension_told_at": FILED - timedelta(days=1),
            },
            "DATE_ORDER",
            "extensionToldAt",
            None,
        ),
    ],
)
async def test_answer_refusals_change_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    complaint: Complaint,
    overrides: dict[str, Any],
    code: str,
    field: str,
    rule: str | None,
) -> None:
    bad = _answer(complaint, **overrides)
    error = single(await refused(uow, session, lambda s: answer_complaint(s, bad)))
    assert (error.code, error.field, error.rule) == (code, field, rule)
    stored = await _stored(uow, complaint.id)
    assert (stored.status, stored.answered_at, stored.answer_request) == (
        ComplaintStatus.OPEN,
        None,
        None,
    )


async def test_each_missing_part_is_its_own_error(
    uow: Callable[[], UnitOfWork], session: AsyncSession, complaint: Complaint
) -> None:
    bad = _answer(complaint, answer_request=None, answer_facts=None, answer_measures=None)
    error = await refused(uow, session, lambda s: answer_complaint(s, bad))
    assert [(e.code, e.field, e.rule) for e in error.errors] == [
        (_PART, "answerRequest", RULE),
        (_PART, "answerFacts", RULE),
        (_PART, "answerMeasures", RULE),
    ]


async def test_answering_twice_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, complaint: Complaint
) -> None:
    async with uow() as work:
        await answer_complaint(work.session, _answer(complaint))
    bad = _answer(complaint, answer_measures="改口", answered_at=ANSWERED + timedelta(days=1))
    error = single(await refused(uow, session, lambda s: answer_complaint(s, bad)))
    assert (error.code, error.field, error.rule) == ("ALREADY_ANSWERED", "complaintId", RULE)
    stored = await _stored(uow, complaint.id)
    assert (stored.answered_at, stored.answer_measures) == (
        ANSWERED,
        "已于3月6日重新安排排查，并对服务机构扣减考核分",
    )


async def test_repository_lists_open_complaints_oldest_first(
    session: AsyncSession, world: World, complaint: Complaint
) -> None:
    older = await create_complaint(
        session,
        insurer_id=world.insurer.id,
        unit_id=world.unit.id,
        filed_at=FILED - timedelta(days=2),
    )
    await create_complaint(
        session,
        insurer_id=world.insurer.id,
        unit_id=world.unit.id,
        status=ComplaintStatus.ANSWERED,
        filed_at=FILED - timedelta(days=9),
    )
    repo = ComplaintRepository(session)
    assert [c.id for c in await repo.open_for_insurer(world.insurer.id)] == [older.id, complaint.id]
    assert len(await repo.for_unit(world.unit.id)) == 3
