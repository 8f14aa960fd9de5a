"""Improvement measures (R-8.3-improvement): each names its finding; progress is tracked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.improvement_measure import (
    ImprovementInput,
    ImprovementProgress,
    create_improvement,
    record_progress,
)
from store.enums import ImprovementSource, ImprovementStatus
from store.models.improvement_measure import ImprovementMeasure
from store.repositories.improvement_measure import ImprovementMeasureRepository
from store.uow import UnitOfWork
from tests.factories.annual_evaluation import create_evaluation
from tests.factories.complaint import create_complaint
from tests.factories.follow_up import create_follow_up
from tests.factories.improvement_measure import create_measure
from tests.factories.insurance_policy import create_policy
from tests.factories.insurer import create_insurer
from tests.factories.service_record import create_service_record
from tests.factories.world import World, build_world
from tests.services.refusal import refused, single

RULE = "R-8.3-improvement"
DONE_AT = datetime(2025, 6, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


def _input(world: World, **overrides: Any) -> ImprovementInput:
    values: dict[str, Any] = {
        "insurer_id": world.insurer.id,
        "source": "inspection",
        "problem": "服务档案未按期归档",
        "measure": "建立归档台账，每周核查",
        "due_on": date(2025, 6, 30),
    }
    values.update(overrides)
    return ImprovementInput(**values)


async def _sources(session: AsyncSession, world: World, insurer_id: int) -> dict[str, int]:
    """One evaluation, complaint and follow-up of ``insurer_id``, by source column."""
    policy = await create_policy(session, insurer_id=insurer_id, unit_id=world.unit.id)
    record = await create_service_record(session, policy)
    evaluation = await create_evaluation(session, insurer_id=insurer_id)
    complaint = await create_complaint(session, insurer_id=insurer_id, unit_id=world.unit.id)
    follow_up = await create_follow_up(session, record)
    return {
        "evaluation_id": evaluation.id,
        "complaint_id": complaint.id,
        "follow_up_id": follow_up.id,
    }


async def _reload(uow: Callable[[], UnitOfWork], measure_id: int) -> ImprovementMeasure:
    async with uow() as work:
        row = await ImprovementMeasureRepository(work.session).get(measure_id)
    assert row is not None
    return row


@pytest.mark.parametrize(
    ("source", "column"),
    [
        (ImprovementSource.EVALUATION, "evaluation_id"),
        (ImprovementSource.COMPLAINT, "complaint_id"),
        (ImprovementSource.FOLLOW_UP, "follow_up_id"),
        (ImprovementSource.INSPECTION, None),
    ],
)
async def test_creates_a_measure_naming_its_source(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    world: World,
    source: ImprovementSource,
    column: str | None,
) -> None:
    ids = await _sources(session, world, world.insurer.id)
    reference = {column: ids[column]} if column else {}
    async with uow() as work:
        created = await create_improvement(work.session, _input(world, source=source, **reference))
    stored = await _reload(uow, created.id)
    assert (stored.source, stored.status) == (source, ImprovementStatus.PLANNED)
    for name in ids:
        assert getattr(stored, name) == (ids[name] if name == column else None)


_REQUIRED = "SOURCE_REFERENCE_REQUIRED"


@pytest.mark.parametrize(
    ("overrides", "code", "field", "rule"),
    [
        ({"source": "evaluation"}, _REQUIRED, "evaluationId", RULE),
        ({"source": "complaint"}, _REQUIRED, "complaintId", RULE),
        ({"source": "follow_up"}, _REQUIRED, "followUpId", RULE),
        ({"source": "inspection", "complaint_id": 1}, "NOT_ALLOWED", "complaintId", None),
        (
            {"source": "evaluation", "evaluation_id": 1, "follow_up_id": 1},
            "NOT_ALLOWED",
            "followUpId",
            None,
        ),
        ({"source": "rumour"}, "INVALID_ENUM", "source", None),
        ({"problem": ""}, "REQUIRED", "problem", None),
        ({"measure": None}, "REQUIRED", "measure", None),
        ({"due_on": DONE_AT}, "NOT_A_DATE", "dueOn", None),
        ({"insurer_id": 999_999}, "UNKNOWN_REFERENCE", "insurerId", None),
        (
            {"source": "evaluation", "evaluation_id": 999_999},
            "UNKNOWN_REFERENCE",
            "evaluationId",
            None,
        ),
        (
            {"source": "complaint", "complaint_id": 999_999},
            "UNKNOWN_REFERENCE",
            "complaintId",
            None,
        ),
        ({"source": "follow_up", "follow_up_id": 999_999}, "UNKNOWN_REFERENCE", "followUpId", None),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    world: World,
    overrides: dict[str, Any],
    code: str,
    field: str,
    rule: str | None,
) -> None:
    bad = _input(world, **overrides)
    error = single(await refused(uow, session, lambda s: create_improvement(s, bad)))
    assert (error.code, error.field, error.rule) == (code, field, rule)


@pytest.mark.parametrize(
    ("source", "column", "field"),
    [
        ("evaluation", "evaluation_id", "evaluationId"),
        ("complaint", "complaint_id", "complaintId"),
        ("follow_up", "follow_up_id", "followUpId"),
    ],
)
async def test_another_insurers_finding_is_unknown(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    world: World,
    source: str,
    column: str,
    field: str,
) -> None:
    other = await create_insurer(session)
    theirs = await _sources(session, world, other.id)
    bad = _input(world, source=source, **{column: theirs[column]})
    error = single(await refused(uow, session, lambda s: create_improvement(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", field)


# -- progress --------------------------------------------------------------------------------


async def test_progress_goes_planned_in_progress_done(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World
) -> None:
    row = await create_measure(session, insurer_id=world.insurer.id)
    async with uow() as work:
        await record_progress(
            work.session, ImprovementProgress(row.id, "in_progress", "已建立台账")
        )
    started = await _reload(uow, row.id)
    assert (started.status, started.progress_note, started.completed_at) == (
        ImprovementStatus.IN_PROGRESS,
        "已建立台账",
        None,
    )
    async with uow() as work:
        await record_progress(
            work.session, ImprovementProgress(row.id, ImprovementStatus.DONE, completed_at=DONE_AT)
        )
    done = await _reload(uow, row.id)
    assert (done.status, done.progress_note, done.completed_at) == (
        ImprovementStatus.DONE,
        "已建立台账",
        DONE_AT,
    )


@pytest.mark.parametrize(
    ("current", "progress", "code", "field", "rule"),
    [
        (
            ImprovementStatus.PLANNED,
            {"status": "done", "completed_at": DONE_AT},
            "INVALID_TRANSITION",
            "status",
            RULE,
        ),
        (ImprovementStatus.PLANNED, {"status": "planned"}, "INVALID_TRANSITION", "status", RULE),
        (
            ImprovementStatus.IN_PROGRESS,
            {"status": "in_progress"},
            "INVALID_TRANSITION",
            "status",
            RULE,
        ),
        (ImprovementStatus.DONE, {"status": "in_progress"}, "INVALID_TRANSITION", "status", RULE),
        (ImprovementStatus.IN_PROGRESS, {"status": "done"}, "REQUIRED", "completedAt", None),
        (
            ImprovementStatus.IN_PROGRESS,
            {"status": "done", "completed_at": datetime(2025, 6, 30)},  # noqa: DTZ001
            "TIMEZONE_REQUIRED",
            "completedAt",
            None,
        ),
        (
            ImprovementStatus.PLANNED,
            {"status": "in_progress", "completed_at": DONE_AT},
            "NOT_ALLOWED",
            "completedAt",
            None,
        ),
        (ImprovementStatus.PLANNED, {"status": "finished"}, "INVALID_ENUM", "status", None),
        (
            ImprovementStatus.PLANNED,
            {"status": "in_progress", "progress_note": "\x00"},
            "CONTROL_CHARACTER",
            "progressNote",
            None,
        ),
        (
            ImprovementStatus.PLANNED,
            {"status": "in_progress", "measure_id": 999_999},
            "UNKNOWN_REFERENCE",
            "measureId",
            None,
        ),
    ],
)
async def test_progress_refusals_change_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    world: World,
    current: ImprovementStatus,
    progress: dict[str, Any],
    code: str,
    field: str,
    rule: str | None,
) -> None:
    row = await create_measure(session, insurer_id=world.insurer.id, status=current)
    values: dict[str, Any] = {"measure_id": row.id, **progress}
    bad = ImprovementProgress(**values)
    error = single(await refused(uow, session, lambda s: record_progress(s, bad)))
    assert (error.code, error.field, error.rule) == (code, field, rule)
    stored = await _reload(uow, row.id)
    assert (stored.status, stored.completed_at, stored.progress_note) == (current, None, None)


async def test_repository_lists_open_measures(session: AsyncSession, world: World) -> None:
    planned = await create_measure(session, insurer_id=world.insurer.id)
    await create_measure(session, insurer_id=world.insurer.id, status=ImprovementStatus.DONE)
    going = await create_measure(
        session, insurer_id=world.insurer.id, status=ImprovementStatus.IN_PROGRESS
    )
    other = await create_insurer(session)
    await create_measure(session, insurer_id=other.id)
    repo = ImprovementMeasureRepository(session)
    assert [m.id for m in await repo.for_insurer(world.insurer.id, open_only=True)] == [
        planned.id,
        going.id,
    ]
    assert len(await repo.for_insurer(world.insurer.id)) == 3
