"""Completing a planned service with what was actually done (issue 9 item 2): the content
replaces the planned one, alongside the process and the hazards with the major-hazard flag
and when the unit was told (R-6.2-major-hazard); blank or overlong content is refused with
its code and field, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.hazard import HazardInput
from services.service_record import CompletionInput, complete_service_record
from services.validation.workflow import LONG_TEXT
from store.enums import ServiceStatus
from store.models.insurance_policy import InsurancePolicy
from store.repositories.service_record import ServiceRecordRepository
from store.uow import UnitOfWork
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import COMPLETED, STARTED
from tests.factories.service_record import create_service_record as make_record
from tests.factories.world import World, build_world
from tests.services.refusal import refused, single

FOUND = STARTED + timedelta(hours=1)


@pytest.fixture
async def policy(session: AsyncSession) -> InsurancePolicy:
    world: World = await build_world(session)
    return await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)


async def _reload(uow: Callable[[], UnitOfWork], record_id: int) -> Any:
    async with uow() as work:
        return await ServiceRecordRepository(work.session).with_hazards(record_id)


async def test_the_content_done_replaces_the_content_planned(
    uow: Callable[[], UnitOfWork], session: AsyncSession, policy: InsurancePolicy
) -> None:
    planned = await make_record(session, policy, completed=False, content="计划：储罐区排查")
    told = FOUND + timedelta(minutes=20)
    data = CompletionInput(
        record_id=planned.id,
        started_at=STARTED,
        completed_at=COMPLETED,
        content="  储罐区、装卸区及消防泵房隐患排查\n并复核上次整改  ",
        process="首次会议、现场排查、末次会议通报",
        hazards=(
            HazardInput(
                description="液氨储罐区可燃气体报警器失效",
                is_major=True,
                found_at=FOUND,
                told_at=told,
            ),
        ),
    )
    async with uow() as work:
        await complete_service_record(work.session, data)
    stored = await _reload(uow, planned.id)
    assert stored.status is ServiceStatus.COMPLETED
    assert stored.content == "储罐区、装卸区及消防泵房隐患排查\n并复核上次整改"  # stripped
    assert stored.process == "首次会议、现场排查、末次会议通报"
    assert [(h.is_major, h.told_at) for h in stored.hazards] == [(True, told)]


async def test_without_content_the_planned_content_stays(
    uow: Callable[[], UnitOfWork], session: AsyncSession, policy: InsurancePolicy
) -> None:
    planned = await make_record(session, policy, completed=False, content="计划：全员培训")
    async with uow() as work:
        await complete_service_record(
            work.session,
            CompletionInput(record_id=planned.id, started_at=STARTED, completed_at=COMPLETED),
        )
    assert (await _reload(uow, planned.id)).content == "计划：全员培训"


@pytest.mark.parametrize(
    ("content", "code"),
    [("   ", "REQUIRED"), ("检" * (LONG_TEXT + 1), "TOO_LONG"), ("内容\x00", "CONTROL_CHARACTER")],
)
async def test_bad_content_is_refused_and_nothing_written(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    policy: InsurancePolicy,
    content: str,
    code: str,
) -> None:
    planned = await make_record(session, policy, completed=False, content="计划：全员培训")
    bad = CompletionInput(
        record_id=planned.id, started_at=STARTED, completed_at=COMPLETED, content=content
    )
    error = single(await refused(uow, session, lambda s: complete_service_record(s, bad)))
    assert (error.code, error.field) == (code, "content")
    assert error.message_zh and error.message_en
    stored = await _reload(uow, planned.id)
    assert (stored.status, stored.content) == (ServiceStatus.PLANNED, "计划：全员培训")
