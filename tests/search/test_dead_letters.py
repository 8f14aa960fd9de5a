"""Dead letters (死信): documents the backend refused are parked with the reason; a retry moves
them back into the outbox (idempotently), and once the cause is gone the indexer catches up to
exactly the database's rows. Then the same through ``anzexian search dead-letters`` and
``anzexian search retry-dead-letters`` on a SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

import search.documents
import search.sources
from search.backend import SearchBackend
from search.dead_letters import Requeued, dead_letters, requeue
from search.documents import DOC_TYPES
from search.fts5.backend import Fts5Backend
from search.indexer import Indexer
from server.cli import app
from store.base import utcnow
from store.database import create_engine, session_factory
from store.models.search_outbox import SearchOutbox
from store.repositories.search_outbox import SearchOutboxRepository
from tests.search.writes import database_ids, write_some

runner = CliRunner()


def _refuse(monkeypatch: pytest.MonkeyPatch, doc_types: set[str]) -> None:
    """Documents of ``doc_types`` get a field the strict mapping refuses (a real refusal by
    the backend: OpenSearch's strict_dynamic_mapping_exception, FTS5's own check)."""
    real = search.documents.to_document

    def broken(source: Any) -> dict[str, Any]:
        document = real(source)
        if document["type"] in doc_types:
            document["unmapped"] = "x"
        return document

    monkeypatch.setattr(search.sources, "to_document", broken)


async def _index_ids(backend: SearchBackend) -> dict[str, set[str]]:
    await backend.refresh()
    return {t: await backend.doc_ids(t) for t in DOC_TYPES}


async def _pending(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, int]]:
    async with sessions() as session:
        rows = await SearchOutboxRepository(session).pending(1000)
        return [(r.entity, r.row_id) for r in rows]


async def test_a_retry_requeues_once_and_the_index_catches_up(
    sessions: async_sessionmaker[AsyncSession],
    search_backend: SearchBackend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _refuse(monkeypatch, {"complaint", "annual_evaluation"})
    async with sessions() as session, session.begin():
        await write_some(session, records=2)
        written = await database_ids(session)
    refused = sorted((t, int(i)) for t in ("annual_evaluation", "complaint") for i in written[t])
    assert len(refused) == 2
    indexer = Indexer(sessions, search_backend)
    assert (await indexer.catch_up()).parked == 2
    async with sessions() as session:
        parked = await dead_letters(session, limit=10)
    assert parked.counts == {"annual_evaluation": 1, "complaint": 1} and parked.total == 2
    assert sorted((d.doc_type, int(d.doc_id)) for d in parked.letters) == refused
    assert all(d.status == 400 and d.backend == search_backend.name for d in parked.letters)
    assert await _pending(sessions) == []

    async with sessions() as session, session.begin():
        moved = await requeue(session, utcnow())
    assert moved == Requeued(letters=2, documents=2)
    assert sorted(await _pending(sessions)) == refused
    # Idempotent: a second retry finds nothing to move and adds nothing.
    async with sessions() as session, session.begin():
        assert await requeue(session, utcnow()) == Requeued(letters=0, documents=0)
        assert (await dead_letters(session, limit=10)).total == 0
    assert sorted(await _pending(sessions)) == refused

    monkeypatch.undo()  # the cause is fixed: the documents are built right again
    report = await indexer.catch_up()
    assert (report.outbox_rows, report.indexed, report.parked) == (2, 2, 0)
    async with sessions() as session:
        assert await _index_ids(search_backend) == await database_ids(session)
        assert (await dead_letters(session, limit=10)).total == 0


async def test_a_retry_of_chosen_letters_leaves_the_others_parked(
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = Fts5Backend(str(tmp_path / "s.db"), "letters")
    await backend.ensure()
    _refuse(monkeypatch, {"complaint", "annual_evaluation"})
    async with sessions() as session, session.begin():
        await write_some(session, records=1)
    await Indexer(sessions, backend).catch_up()
    async with sessions() as session:
        letters = (await dead_letters(session, limit=10)).letters
    chosen = next(d for d in letters if d.doc_type == "complaint")
    async with sessions() as session, session.begin():
        # An id that is not a dead letter is ignored, not an error.
        assert await requeue(session, utcnow(), [chosen.id, 10**9]) == Requeued(1, 1)
    assert await _pending(sessions) == [("complaint", int(chosen.doc_id))]
    async with sessions() as session:
        assert (await dead_letters(session, limit=10)).counts == {"annual_evaluation": 1}
    await backend.close()


@pytest.fixture
def parked_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite file whose indexer parked one complaint and one evaluation."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'letters.db'}"
    assert runner.invoke(app, ["migrate", "--database-url", url]).exit_code == 0

    async def park() -> None:
        engine = create_engine(url)
        backend = Fts5Backend(str(tmp_path / "search.db"), "cli")
        try:
            await backend.ensure()
            sessions = session_factory(engine)
            async with sessions() as session, session.begin():
                await write_some(session, records=1)
            _refuse(monkeypatch, {"complaint", "annual_evaluation"})
            assert (await Indexer(sessions, backend).catch_up()).parked == 2
            monkeypatch.undo()
        finally:
            await backend.close()
            await engine.dispose()

    asyncio.run(park())
    return url


def _outbox_pending(url: str) -> list[str]:
    async def read() -> list[str]:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                stmt = select(SearchOutbox.entity).where(SearchOutbox.processed_at.is_(None))
                return sorted((await session.scalars(stmt)).all())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_the_commands_list_count_and_requeue_once(parked_site: str) -> None:
    url = parked_site
    listed = runner.invoke(app, ["search", "dead-letters", "--database-url", url])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("#1  ") and " fts5 400 " in lines[0]
    assert all("unmapped" in line for line in lines[:2])  # the backend's reason, on one line
    assert {line.split()[1].split(":")[0] for line in lines[:2]} == {
        "annual_evaluation",
        "complaint",
    }
    assert lines[2] == "死信 / dead letters: 2 (annual_evaluation 1, complaint 1)"

    only_one = runner.invoke(app, ["search", "dead-letters", "--limit", "1", "--database-url", url])
    assert len(only_one.stdout.splitlines()) == 2 and "--limit" in only_one.stderr

    retry = ["search", "retry-dead-letters", "--database-url", url]
    first = runner.invoke(app, retry)
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == "重新排队 / requeued: 2 dead letter(s) → 2 outbox row(s)"
    assert _outbox_pending(url) == ["annual_evaluation", "complaint"]
    again = runner.invoke(app, retry)
    assert again.stdout.strip() == "重新排队 / requeued: 0 dead letter(s) → 0 outbox row(s)"
    assert _outbox_pending(url) == ["annual_evaluation", "complaint"]
    empty = runner.invoke(app, ["search", "dead-letters", "--database-url", url])
    assert empty.stdout.strip() == "死信 / dead letters: 0"
