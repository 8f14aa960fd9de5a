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
