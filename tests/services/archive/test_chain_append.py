"""Every write path appends to the unit's archive chain in its own transaction
(R-7.4-archive): ORM writes through the flush hook (store/archive/hook.py), the services'
updates as new versions, bulk uploads through the Core path (store/repositories/bulk.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.complaint import ComplaintAnswer, answer_complaint
from services.service_record import CompletionInput, complete_service_record
from store.archive import canonical, chain
from store.archive.sources import AGENCY, MATERIAL, SOURCES
from store.models.archive_entry import ArchiveEntry
from store.models.archive_head import ArchiveHead
from store.models.complaint import Complaint
from tests.factories.bulk_lines import follow_up_line, ledger_line, ndjson, record_line
from tests.factories.service_record import create_service_record
from tests.services.archive.scene import build_scene, entries_of, run_verify
from tests.services.uploading import upload


async def _chain_is_linked(session: AsyncSession, unit_id: int) -> list[ArchiveEntry]:
    entries = await entries_of(session, unit_id)
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    prev = canonical.GENESIS
    for entry in entries:
        assert entry.prev_hash == prev
        prev = entry.hash
    head = await session.get(ArchiveHead, unit_id)
    assert head is not None and (head.seq, head.hash) == (len(entries), prev)
    return entries


async def test_orm_writes_archive_every_kind_of_row(session: AsyncSession) -> None:
    scene = await build_scene(session)
    for unit in scene.units:
        entries = await _chain_is_linked(session, unit.id)
        assert {e.source_table for e in entries} == set(SOURCES)
        assert {e.source_version for e in entries} == {1}
        assert all(e.unit_id == unit.id for e in entries)
        record = next(e for e in entries if e.source_table == "service_record")
        assert record.kind in (MATERIAL, AGENCY)
    assert (await run_verify(session)).intact


async def test_a_change_is_a_new_version_beside_the_old(session: AsyncSession) -> None:
    scene = await build_scene(session)
    unit = scene.units[0].id
    before = await entries_of(session, unit)
    planned = await create_service_record(session, scene.policies[0], completed=False)
    done = datetime(2024, 3, 5, 8, 0, tzinfo=UTC)
    await complete_service_record(
        session, CompletionInput(record_id=planned.id, started_at=done, completed_at=done)
    )
    complaint = await session.scalar(select(Complaint).where(Complaint.unit_id == unit))
    assert complaint is not None
    await answer_complaint(
        session,
        ComplaintAnswer(
            complaint_id=complaint.id,
            answered_at=datetime(2024, 3, 6, 8, 0, tzinfo=UTC),
            answer_request="按约定时间到场",
            answer_facts="服务人员迟到两小时",
            answer_measures="调整排班并致歉",
        ),
    )
    planned.place = planned.place  # touched, nothing archived changed: no new entry
    await session.flush()

    entries = await _chain_is_linked(session, unit)
    added = [(e.source_table, e.source_id, e.source_version) for e in entries[len(before) :]]
    assert added == [
        ("service_record", planned.id, 1),
        ("service_record", planned.id, 2),
        ("complaint", complaint.id, 2),
    ]
    old, new = (
        e for e in entries if e.source_table == "service_record" and e.source_id == planned.id
    )
    assert '"status":"planned"' in old.content and '"status":"completed"' in new.content
    assert (await run_verify(session)).intact


async def test_bulk_uploads_archive_what_they_write(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    scene = await build_scene(session)
    policy, world = scene.policies[0], scene.world
    await session.commit()  # the upload's own session sees the scene
    before = len(await entries_of(session, policy.unit_id))
    records = await upload(sessions, "service-records", ndjson([record_line(world, policy)] * 3))
    assert records.as_dict()["created"] == 3
    follow_ups = await upload(sessions, "follow-ups", ndjson([follow_up_line(scene.records[0])]))
    ledger = await upload(sessions, "ledger-entries", ndjson([ledger_line(policy)] * 2))
    assert follow_ups.as_dict()["created"] == 1 and ledger.as_dict()["created"] == 2

    entries = await _chain_is_linked(session, policy.unit_id)
    added = [e.source_table for e in entries[before:]]
    # 3 records with a hazard each (records first, then their hazards: one pass per chunk)
    assert (
        added == ["service_record"] * 3 + ["hazard"] * 3 + ["follow_up"] + ["fee_ledger_entry"] * 2
    )
    assert {e.kind for e in entries[before : before + 3]} == {AGENCY}  # done by an agency
    assert (await run_verify(session)).intact


async def test_one_chunk_over_two_units_is_archived_from_the_returned_rows(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    """A bulk chunk archives records and hazards from what their INSERT … RETURNING gave back
    (no read-back): the entries are those a read-back would make, each unit's chain gets
    its own rows in id order, records before hazards, and both heads move."""
    scene = await build_scene(session)
    await session.commit()
    first, second = scene.policies
    lines = [record_line(scene.world, p) for p in (second, first, second)]
    lines[0]["hazards"] = lines[0]["hazards"] * 2  # a record with two hazards
    before = {p.unit_id: len(await entries_of(session, p.unit_id)) for p in (first, second)}
    outcome = await upload(sessions, "service-records", ndjson(lines))
    assert outcome.as_dict()["created"] == 3

    added: list[ArchiveEntry] = []
    for policy, records, hazards in ((first, 1, 1), (second, 2, 3)):
        new = (await _chain_is_linked(session, policy.unit_id))[before[policy.unit_id] :]
        assert [e.source_table for e in new] == ["service_record"] * records + ["hazard"] * hazards
        for name in ("service_record", "hazard"):
            ids = [e.source_id for e in new if e.source_table == name]
            assert ids == sorted(ids)
        added += new
    changes = chain.Changes()
    for entry in added:
        changes.inserted[entry.source_table].add(entry.source_id)
    conn = await session.connection()
    read_back = await conn.run_sync(lambda sync: chain._pending(sync, changes))
    fields: tuple[str, ...] = ("unit_id", "insurer_id", "kind", "source_table", "source_id")
    fields += ("source_version", "content")

    def key(e: object) -> tuple[object, ...]:
        return tuple(getattr(e, f) for f in fields)

    assert sorted(map(key, added)) == sorted(map(key, read_back))
    assert (await run_verify(session)).intact


async def test_a_rolled_back_write_leaves_no_entry(
    sessions: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    scene = await build_scene(session)
    await session.commit()
    count = select(func.count()).select_from(ArchiveEntry)
    before = await session.scalar(count)
    async with sessions() as other:
        await create_service_record(other, scene.policies[0])
        assert await other.scalar(count) == (before or 0) + 1
        await other.rollback()
    assert await session.scalar(count) == before
    assert (await run_verify(session)).intact


async def test_a_chain_cannot_fork(session: AsyncSession, backend: str) -> None:
    """Two writers to one chain take turns on its head row (PostgreSQL ``FOR UPDATE``; SQLite
    serialises writers), and should one slip past, (unit, seq) is unique."""
    scene = await build_scene(session)
    unit = scene.units[0].id
    statements: list[str] = []
    conn = await session.connection()

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    sync = conn.sync_connection
    assert sync is not None
    event.listen(sync, "before_cursor_execute", seen)
    try:
        await create_service_record(session, scene.policies[0])
    finally:
        event.remove(sync, "before_cursor_execute", seen)
    # The heads are created or locked by one upsert (store/archive/chain.py ``_lock_heads``):
    # ON CONFLICT DO UPDATE locks an existing head as SELECT … FOR UPDATE would.
    heads = [s for s in statements if s.lstrip().startswith("INSERT INTO archive_head")]
    assert heads, statements
    assert all("ON CONFLICT (unit_id) DO UPDATE" in s and "RETURNING" in s for s in heads)

    last = (await entries_of(session, unit))[-1]
    twin = {c: getattr(last, c) for c in ("unit_id", "insurer_id", "seq", "kind", "content")}
    twin |= {"source_table": "hazard", "source_id": 1, "source_version": 1}
    twin |= {"prev_hash": last.prev_hash, "hash": last.hash, "recorded_at": last.recorded_at}
    session.add(ArchiveEntry(**twin))
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await session.flush()


async def test_a_second_writer_waits_for_the_head(
    session: AsyncSession, engine: AsyncEngine, backend: str
) -> None:
    """The heads' upsert hands back an existing head unchanged (its no-op DO UPDATE), and on
    PostgreSQL a second writer to a chain whose head another transaction holds (here: is
    creating) waits instead of forking it; with a lock timeout it gives up rather than
    append on a stale head (R-7.4-archive). SQLite has one writer at a time."""
    scene = await build_scene(session)
    unit = scene.units[0].id
    await create_service_record(session, scene.policies[0])  # this transaction holds the head
    conn = await session.connection()
    entries = await _chain_is_linked(session, unit)
    got = await conn.run_sync(lambda sync: chain._lock_heads(sync, [unit]))
    assert got == {unit: (len(entries), entries[-1].hash)}
    await session.refresh(await session.get(ArchiveHead, unit))  # unchanged by the upsert
    await _chain_is_linked(session, unit)
    if backend != "postgresql":
        return
    async with engine.connect() as other:
        await other.execute(text("SET LOCAL lock_timeout = '200ms'"))
        with pytest.raises(DBAPIError, match="lock timeout"):
            await other.run_sync(lambda sync: chain._lock_heads(sync, [unit]))
        await other.rollback()
