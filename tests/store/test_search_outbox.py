"""Every write of a searchable row adds a search outbox row in the same transaction: ORM
flushes (a session event) and the Core bulk path alike; a rollback takes both away."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.hazard import Hazard
from store.models.search_outbox import SearchOutbox
from store.repositories.bulk import insert_rows
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import create_service_record, hazard
from tests.factories.world import build_world


async def _outbox(session: AsyncSession) -> list[tuple[str, int]]:
    rows = await session.execute(
        select(SearchOutbox.entity, SearchOutbox.row_id).order_by(SearchOutbox.id)
    )
    return [(e, k) for e, k in rows]


async def test_orm_writes_add_outbox_rows_in_their_flush(session: AsyncSession) -> None:
    world = await build_world(session)
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    record = await create_service_record(session, policy, hazards=[hazard(), hazard()])
    seen = await _outbox(session)
    assert ("insured_unit", world.unit.id) in seen
    assert ("insurance_policy", policy.id) in seen
    assert ("insurer", world.insurer.id) in seen
    # The record and its two hazards: one row naming the record (hazards name their parent).
    assert seen.count(("service_record", record.id)) == 1
    record.place = "二号罐区"
    await session.flush()
    assert (await _outbox(session)).count(("service_record", record.id)) == 2


async def test_an_unchanged_row_adds_nothing(session: AsyncSession) -> None:
    world = await build_world(session)
    before = len(await _outbox(session))
    world.unit.name = world.unit.name  # dirty, but no net change
    await session.flush()
    assert len(await _outbox(session)) == before


async def test_a_rolled_back_savepoint_takes_its_outbox_rows_away(session: AsyncSession) -> None:
    world = await build_world(session)
    before = await _outbox(session)
    async with session.begin_nested() as savepoint:
        world.unit.name = "改名后的公司"
        await session.flush()
        assert len(await _outbox(session)) == len(before) + 1
        await savepoint.rollback()
    assert await _outbox(session) == before


async def test_core_bulk_inserts_add_outbox_rows(session: AsyncSession) -> None:
    world = await build_world(session)
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    record = await create_service_record(session, policy)
    before = len(await _outbox(session))
    rows = [
        {
            "service_record_id": record.id,
            "description": f"隐患{i}",
            "is_major": False,
            "found_at": record.completed_at,
            "told_at": None,
            "rectified_at": None,
        }
        for i in range(3)
    ]
    await insert_rows(session, Hazard, rows)
    after = await _outbox(session)
    assert after[before:] == [("service_record", record.id)]  # one row per distinct parent
