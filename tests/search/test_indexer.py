"""The indexer drains the outbox into each backend until the index holds exactly the
database's rows; 429s are retried with backoff, other refusals parked with their reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import search.documents
import search.sources
from search.backend import IndexAction, ItemResult, SearchBackend
from search.fts5.backend import Fts5Backend
from search.indexer import Indexer
from store.models.search_outbox import SearchOutbox
from store.repositories.search_outbox import SearchOutboxRepository
from tests.search.writes import database_ids, write_some


async def _index_ids(backend: SearchBackend) -> dict[str, set[str]]:
    await backend.refresh()
    from search.documents import DOC_TYPES

    return {t: await backend.doc_ids(t) for t in DOC_TYPES}


async def _pending(session: AsyncSession) -> int:
    return await SearchOutboxRepository(session).pending_count()


async def test_catch_up_indexes_exactly_the_database(
    sessions: async_sessionmaker[AsyncSession], search_backend: SearchBackend
) -> None:
    async with sessions() as session, session.begin():
        await write_some(session)
    indexer = Indexer(sessions, search_backend, batch_size=4)  # several rounds
    report = await indexer.catch_up()
    assert report.parked == 0 and report.retry_later == 0
    async with sessions() as session:
        assert await _pending(session) == 0
        assert await _index_ids(search_backend) == await database_ids(session)


async def test_a_second_indexer_waits_for_the_lease(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    backend = Fts5Backend(str(tmp_path / "s.db"), "lease")
    await backend.ensure()
    first, second = Indexer(sessions, backend), Indexer(sessions, backend)
    async with sessions() as session, session.begin():
        await write_some(session, records=1)
    assert (await first.drain_once()).leased
    async with sessions() as session, session.begin():
        await write_some(session, records=1)  # work for the second one
    assert not (await second.drain_once()).leased
    await first.release()
    assert (await second.drain_once()).outbox_rows > 0
    await backend.close()


async def test_refused_documents_are_parked_with_the_reason(
    sessions: async_sessionmaker[AsyncSession],
    search_backend: SearchBackend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = search.documents.to_document

    def broken(source: Any) -> dict[str, Any]:
        document = real(source)
        if document["type"] == "complaint":
            document["unmapped"] = "x"  # the strict mapping refuses an unknown field
        return document

    monkeypatch.setattr(search.sources, "to_document", broken)
    async with sessions() as session, session.begin():
        await write_some(session, records=1)
    report = await Indexer(sessions, search_backend).catch_up()
    assert report.parked == 1
    async with sessions() as session:
        letters = await SearchOutboxRepository(session).dead_letters()
        assert await _pending(session) == 0  # parked rows are not retried forever
        indexed = await _index_ids(search_backend)
        expected = await database_ids(session)
    assert [(d.doc_type, d.status, d.backend) for d in letters] == [
        ("complaint", 400, search_backend.name)
    ]
    assert "strict_dynamic_mapping_exception" in letters[0].reason
    assert indexed["complaint"] == set()
    assert indexed["service_record"] == expected["service_record"]


class Throttled:
    """A backend that answers 429 for some items (a cluster shedding load)."""

    def __init__(self, inner: SearchBackend, busy_calls: int) -> None:
        self.inner = inner
        self.name = inner.name
        self.busy_calls = busy_calls
        self.calls = 0

    async def bulk(
        self, actions: Sequence[IndexAction], *, targets: Mapping[str, str] | None = None
    ) -> list[ItemResult]:
        self.calls += 1
        if self.calls <= self.busy_calls:
            return [ItemResult(429, "es_rejected_execution_exception") for _ in actions]
        return await self.inner.bulk(actions, targets=targets)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_429_is_retried_with_backoff(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    inner = Fts5Backend(str(tmp_path / "s.db"), "busy")
    await inner.ensure()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with sessions() as session, session.begin():
        await write_some(session, records=1)
    throttled = Throttled(inner, busy_calls=2)
    report = await Indexer(sessions, throttled, sleep=sleep).catch_up()
    assert waits == [0.5, 1.0]
    assert report.parked == 0 and report.retry_later == 0
    async with sessions() as session:
        assert await _index_ids(inner) == await database_ids(session)
    await inner.close()


async def test_persistent_429_leaves_rows_pending(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    inner = Fts5Backend(str(tmp_path / "s.db"), "busy")
    await inner.ensure()

    async def sleep(seconds: float) -> None:
        return None

    async with sessions() as session, session.begin():
        await write_some(session, records=1)
    throttled = Throttled(inner, busy_calls=100)
    indexer = Indexer(sessions, throttled, sleep=sleep)
    report = await indexer.catch_up()
    assert report.parked == 0 and report.retry_later == report.outbox_rows > 0
    async with sessions() as session:
        rows = list((await session.execute(select(SearchOutbox))).scalars())
        assert all(r.processed_at is None and r.attempts == 1 for r in rows)
    throttled.busy_calls = 0
    await indexer.catch_up()
    async with sessions() as session:
        assert await _pending(session) == 0
        assert await _index_ids(inner) == await database_ids(session)
    await inner.close()
