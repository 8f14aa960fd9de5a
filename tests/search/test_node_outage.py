"""A real outage (issue 5): an OpenSearch node of this test's own, on a second port, is
stopped by ``deploy/opensearch.sh stop`` while records are written, and started again; the
indexer then catches up to exactly the database's rows, and what was indexed before the
stop survived it. ``test_outage.py`` covers the client's side in a second with a closed
port; this one the node itself, at the cost of two node starts (about 25 s each, warm)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from search.backend import BackendUnavailable
from search.documents import DOC_TYPES
from search.indexer import Indexer
from search.opensearch import OpenSearchBackend
from store.repositories.search_outbox import SearchOutboxRepository
from tests.search.conftest import fresh_prefix, opensearch_url
from tests.search.writes import database_ids, write_some

ROOT = Path(__file__).resolve().parents[2]
# Beside the shared node (9200) and its transport port (+100).
PORT = int(os.environ.get("ANZEXIAN_TEST_OPENSEARCH_OUTAGE_PORT", "9211"))


def _script(command: str) -> str:
    """``deploy/opensearch.sh COMMAND`` for this test's node; its last line of output."""
    done = subprocess.run(
        [str(ROOT / "deploy" / "opensearch.sh"), command],
        env={**os.environ, "ANZEXIAN_OPENSEARCH_PORT": str(PORT)},
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert done.returncode == 0, f"opensearch.sh {command} failed:\n{done.stderr[-3000:]}"
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


@pytest.fixture
def own_node() -> Iterator[str]:
    opensearch_url()  # the suite's node is configured: OpenSearch tests are to run (CI: must)
    url = _script("start")
    try:
        yield url
    finally:
        _script("stop")


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_a_stopped_node_catches_up_once_it_is_back(
    own_node: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    prefix = fresh_prefix()
    node = OpenSearchBackend(own_node, prefix, timeout=5)
    indexer = Indexer(sessions, node)  # one indexer: it holds the drain lease throughout
    try:
        await node.ensure()
        async with sessions() as session, session.begin():
            await write_some(session)
        await indexer.catch_up()
        await node.refresh()
        before = {t: await node.doc_ids(t) for t in DOC_TYPES}
        assert any(before.values())

        _script("stop")  # the outage: the node's process is gone
        async with sessions() as session, session.begin():
            await write_some(session, records=2)  # writes go on; the outbox keeps them
        with pytest.raises(BackendUnavailable):
            await indexer.drain_once()
        async with sessions() as session:
            assert await SearchOutboxRepository(session).pending_count() > 0

        assert _script("start") == own_node  # the same node, its data folder kept
        report = await indexer.catch_up()
        await node.refresh()

        assert report.parked == 0
        async with sessions() as session:
            expected = await database_ids(session)
            assert await SearchOutboxRepository(session).pending_count() == 0
        indexed = {t: await node.doc_ids(t) for t in DOC_TYPES}
        assert {t: indexed[t] ^ expected[t] for t in DOC_TYPES} == {t: set() for t in DOC_TYPES}
        assert all(before[t] <= indexed[t] for t in DOC_TYPES)  # survived the restart
    finally:
        # The node may be the one that is down when a step above failed: keep that failure.
        with contextlib.suppress(BackendUnavailable):
            await node.drop_all()
        await node.close()
