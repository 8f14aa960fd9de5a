"""ANZEXIAN_SEARCH_URL may list several OpenSearch nodes (issue 8): a node that refuses the
connection is skipped for the next one, so one node down is no outage for search. The first
listed here is a closed port; every request must still be answered by the real node."""

from __future__ import annotations

from search.opensearch import OpenSearchBackend
from tests.search.conftest import fresh_prefix, opensearch_url


async def test_a_refusing_node_is_skipped_for_the_next() -> None:
    backend = OpenSearchBackend(f"http://127.0.0.1:1, {opensearch_url()}", fresh_prefix())
    try:
        for _ in range(4):  # the dead node is tried first, then put on a timeout by the client
            health = await backend.client.cluster.health()
            assert health["status"] in ("green", "yellow")
        await backend.ensure()  # and the backend's own calls go through as well
        await backend.refresh()
    finally:
        await backend.drop_all()
        await backend.close()


async def test_closing_closes_the_refusing_nodes_connection_too() -> None:
    # opensearch-py's close() forgets the connections it marked dead: their aiohttp sessions
    # stayed open ("Unclosed client session" after the scale-out test killed a node).
    backend = OpenSearchBackend(f"http://127.0.0.1:1, {opensearch_url()}", fresh_prefix())
    for _ in range(2):  # round robin: the refusing node is tried once and marked dead
        await backend.client.cluster.health()
    pool = backend.client.transport.connection_pool
    assert len(pool.connections) == 1 < len(pool.orig_connections)
    sessions = [connection.session for connection in pool.orig_connections]
    assert all(session is not None for session in sessions)
    await backend.close()
    assert [session.closed for session in sessions] == [True, True]
