"""SQLite's snapshot rule and ``begin_write`` (store/database.py), with the interleaving made
exact rather than hoped for: another connection commits (as the in-process search indexer
does, settling its lease) between a transaction's first read and its first write.

A DEFERRED transaction is refused at that write with "database is locked" at once (its
snapshot is stale; the busy timeout does not apply). One begun by ``begin_write`` holds the
write lock from BEGIN: the other writer is the one that waits, and the transaction commits.
Reads stay DEFERRED: they hold no lock, so a writer never waits for them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from store.base import utcnow
from store.database import begin_write, create_engine, session_factory
from store.migrate import upgrade
from store.models.search_outbox import SearchOutbox
from store.repositories.search_outbox import SearchOutboxRepository

LEASE = (
    "INSERT INTO search_indexer_lease (id, holder, expires_at) VALUES (1, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'race.db'}")
    await upgrade(engine)
    yield engine
    await engine.dispose()


def _other_writer_commits(engine: AsyncEngine, holder: str) -> str:
    """Another connection (timeout 0: it does not wait) takes the indexer's lease and
    commits; 'committed' or SQLite's refusal."""
    path = engine.url.database
    assert path is not None
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute(LEASE, (holder, utcnow().isoformat()))
        return "committed"
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        other.close()


async def _outbox_rows(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(SearchOutbox)) or 0)


async def _enqueue_one(session: AsyncSession) -> None:
    await SearchOutboxRepository(session).enqueue(
        [{"entity": "complaint", "row_id": 1, "created_at": utcnow(), "attempts": 0}]
    )


async def test_a_deferred_transaction_is_refused_after_a_commit_between(
    engine: AsyncEngine,
) -> None:
    """The race itself: what a request met before begin_write (README, issue 5)."""
    async with session_factory(engine)() as session:
        assert await _outbox_rows(session) == 0  # the first read: the snapshot is taken
        assert _other_writer_commits(engine, "indexer-a") == "committed"
        with pytest.raises(OperationalError, match="database is locked"):
            await _enqueue_one(session)
        await session.rollback()


async def test_begin_write_takes_the_lock_first_and_commits(engine: AsyncEngine) -> None:
    async with session_factory(engine)() as session:
        await begin_write(session)
        assert await _outbox_rows(session) == 0
        # The indexer cannot commit in between: it waits (here: gives up at once).
        assert _other_writer_commits(engine, "indexer-a") == "database is locked"
        await _enqueue_one(session)
        await session.commit()
    # Then the indexer's write goes through, and the row is there.
    assert _other_writer_commits(engine, "indexer-a") == "committed"
    async with session_factory(engine)() as session:
        assert await _outbox_rows(session) == 1


async def test_reads_stay_deferred_and_lock_nothing(engine: AsyncEngine) -> None:
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    from sqlalchemy import event

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with session_factory(engine)() as session:
            await _outbox_rows(session)
            # A writer elsewhere is not held up by an open read.
            assert _other_writer_commits(engine, "indexer-b") == "committed"
            await session.rollback()
        async with session_factory(engine)() as session:
            await begin_write(session)
            await session.rollback()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    begins = [s for s in sent if s.startswith("BEGIN")]
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]


async def test_begin_write_leaves_a_begun_transaction_alone(engine: AsyncEngine) -> None:
    async with session_factory(engine)() as session:
        await session.execute(text("SELECT 1"))
        await begin_write(session)  # no error, no second BEGIN
        assert _other_writer_commits(engine, "indexer-c") == "committed"
        await session.rollback()
