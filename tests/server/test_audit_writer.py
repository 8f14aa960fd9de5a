"""The audit log's write-behind writer: batches in its own transaction, flushes on a timer or
a full batch, applies back-pressure instead of dropping, and writes everything on shutdown.
On both backends."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from server.audit_writer import AuditWriter
from store.models.audit_entry import AuditEntry
from store.models.audit_subject import AuditSubject
from tests.store.test_audit_log import entry


async def _count(sessions: async_sessionmaker[AsyncSession], model: Any) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _until(condition: Any, seconds: float = 5.0) -> None:
    """Poll the writer's counter (the database is the writer's while it runs)."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the writer did not flush in time")


@contextmanager
def inserts(connection: AsyncConnection) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "WITH")):
            seen.append(statement)

    sync = connection.sync_connection
    assert sync is not None
    event.listen(sync, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(sync, "before_cursor_execute", record)


async def test_shutdown_writes_everything_queued(
    sessions: async_sessionmaker[AsyncSession], connection: AsyncConnection
) -> None:
    writer = AuditWriter(sessions, flush_seconds=60, batch_size=100)
    writer.start()
    for n in range(5):
        await writer.submit(entry(f"p{n}"))
    with inserts(connection) as seen:
        await writer.stop()

    assert await _count(sessions, AuditEntry) == 5
    assert await _count(sessions, AuditSubject) == 10
    # For the whole batch: PostgreSQL one statement (entries and subjects), SQLite one
    # multi-row INSERT per table.
    assert len(seen) == (1 if connection.dialect.name == "postgresql" else 2)


async def test_the_timer_flushes_while_running(sessions: async_sessionmaker[AsyncSession]) -> None:
    writer = AuditWriter(sessions, flush_seconds=0.05, batch_size=100)
    writer.start()
    await writer.submit(entry())
    await _until(lambda: writer.written == 1)
    await writer.stop()
    assert await _count(sessions, AuditEntry) == 1


async def test_a_full_batch_flushes_without_waiting_for_the_timer(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    writer = AuditWriter(sessions, flush_seconds=60, batch_size=3)
    writer.start()
    for _ in range(3):
        await writer.submit(entry())
    await _until(lambda: writer.written == 3)
    await writer.stop()


async def test_a_full_queue_makes_requests_wait_and_drops_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    writer = AuditWriter(sessions, flush_seconds=60, batch_size=100, capacity=2)
    await writer.submit(entry())
    await writer.submit(entry())
    third = asyncio.create_task(writer.submit(entry("third")))
    await asyncio.sleep(0.1)
    assert not third.done()  # back-pressure: the request waits for room

    writer.start()
    await writer.flush()  # the writer makes room
    await asyncio.wait_for(third, 5)
    await writer.stop()

    async with sessions() as session:
        principals = (await session.scalars(select(AuditEntry.principal))).all()
    assert sorted(principals) == ["demo-regulator-gd", "demo-regulator-gd", "third"]


async def test_the_queue_is_bounded_in_row_ids_too(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Entries may list thousands of ids each (every level of a read): the queue holds at
    most ``id_capacity`` of them, and a request past it waits, as for a full queue."""
    writer = AuditWriter(sessions, flush_seconds=60, batch_size=100, id_capacity=5)
    heavy = {"ServiceRecord": [1, 2, 3], "Hazard": [4]}
    await writer.submit(entry("first", rows=heavy, row_count=4))
    second = asyncio.create_task(writer.submit(entry("second", rows=heavy, row_count=4)))
    await asyncio.sleep(0.1)
    assert not second.done()  # 4 + 4 ids > 5: back-pressure
    assert (writer.pending, writer.queued_ids) == (1, 4)

    writer.start()  # woken by the waiting request, the writer appends the first entry
    await asyncio.wait_for(second, 5)  # then the second one fits
    assert (writer.written, writer.queued_ids) == (1, 4)
    await writer.stop()
    assert (writer.written, writer.queued_ids) == (2, 0)

    async with sessions() as session:
        rows = (await session.scalars(select(AuditEntry.rows))).all()
    assert rows == [heavy, heavy]
