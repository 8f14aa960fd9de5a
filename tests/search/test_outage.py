"""OpenSearch down delays search, never a write: records written while the indexer cannot
reach the node stay in the outbox, and once it answers again the index catches up to exactly
the database's rows. The outage is a closed port (the shared test node keeps running)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from search.backend import BackendUnavailable
from search.documents import DOC_TYPES
from search.indexer import Indexer
from search.opensearch import OpenSearchBackend
from search.reindex import reindex
from services.errors import DomainError
from services.search import run_search
from store.repositories.base import EVERYTHING
from store.repositories.search_outbox import SearchOutboxRepository
from tests.search.conftest import fresh_prefix, open_backend
from tests.search.writes import database_ids, write_some


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once it is closed


async def test_outage_then_catch_up_to_the_database(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    prefix = fresh_prefix()
    node = await open_backend("opensearch", tmp_path, prefix)
    down = OpenSearchBackend(f"http://127.0.0.1:{_closed_port()}", prefix, timeout=2)
    try:
        async with sessions() as session, session.begin():
            await write_some(session)  # writes go through: the outbox keeps the changes
        stalled = Indexer(sessions, down)
        with pytest.raises(BackendUnavailable):
            await stalled.drain_once()
        async with sessions() as session, session.begin():
            await write_some(session, records=2)  # still writing during the outage
        # The server's loop backs off and keeps going; nothing is lost or marked done.
        stop = asyncio.Event()
        task = asyncio.create_task(stalled.run(stop, interval=0.05))
        await asyncio.sleep(0.3)
        stop.set()
        await task  # releases its lease on the way out
        async with sessions() as session:
            assert await SearchOutboxRepository(session).pending_count() > 0
            with pytest.raises(DomainError) as refused:
                await run_search(session, EVERYTHING, down, text="隐患")
            assert refused.value.code == "SEARCH_UNAVAILABLE"
        # The node answers again (the indexer is pointed at it): catch up.
        report = await Indexer(sessions, node).catch_up()
        assert report.parked == 0
        await node.refresh()
        async with sessions() as session:
            expected = await database_ids(session)
            assert await SearchOutboxRepository(session).pending_count() == 0
        indexed = {t: await node.doc_ids(t) for t in DOC_TYPES}
        difference = {t: indexed[t] ^ expected[t] for t in DOC_TYPES}
        assert difference == {t: set() for t in DOC_TYPES}
    finally:
        await down.close()
        await node.drop_all()
        await node.close()


@pytest.mark.parametrize("kind", ["fts5", "opensearch"])
async def test_reindex_swaps_in_a_new_version_and_replays(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path, kind: str
) -> None:
    backend = await open_backend(kind, tmp_path)
    try:
        async with sessions() as session, session.begin():
            await write_some(session)
        await Indexer(sessions, backend).catch_up()
        report = await reindex(sessions, backend, progress=False, batch_size=2)
        assert report.failed == {}
        assert all(name.endswith("-v2") for name in report.indexes.values())
        # Rows the indexer processed while (and just before) rebuilding are replayed.
        assert report.replayed > 0
        await Indexer(sessions, backend).catch_up()
        await backend.refresh()
        async with sessions() as session:
            expected = await database_ids(session)
        assert {t: await backend.doc_ids(t) for t in DOC_TYPES} == expected
        assert report.total == sum(len(ids) for ids in expected.values())
    finally:
        await backend.drop_all()
        await backend.close()
