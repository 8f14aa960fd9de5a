"""The real OpenSearch node that ``make test`` starts (deploy/opensearch.sh) answers, and its
``cjk`` analyzer (the analysis-common module, assembled into the integ-test-zip distribution)
makes the bigrams the Chinese search relies on.

The URL comes from ``ANZEXIAN_TEST_OPENSEARCH_URL``. Outside CI a missing or unreachable node
skips these tests and says so; in CI (``CI=true``) it fails, like the PostgreSQL tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any, NoReturn

import httpx
import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _unavailable(message: str) -> NoReturn:
    if IN_CI:
        pytest.fail(message + " (CI never skips OpenSearch tests)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def opensearch() -> Iterator[httpx.Client]:
    """An HTTP client on the test node, or fail (CI) / skip (elsewhere) when there is none."""
    url = os.environ.get("ANZEXIAN_TEST_OPENSEARCH_URL") or None
    if url is None:
        _unavailable(
            "ANZEXIAN_TEST_OPENSEARCH_URL is not set: run the suite through `make test` "
            "(or export it from `deploy/opensearch.sh start`)"
        )
    client = httpx.Client(base_url=url, timeout=30.0)
    try:
        client.get("/").raise_for_status()
    except httpx.HTTPError as exc:
        client.close()
        _unavailable(f"OpenSearch unreachable at {url}: {exc}")
    yield client
    client.close()


def _tokens(response: httpx.Response) -> list[str]:
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return [token["token"] for token in body["tokens"]]


def test_node_is_opensearch_2_19_and_healthy(opensearch: httpx.Client) -> None:
    info = opensearch.get("/").json()
    assert info["version"]["distribution"] == "opensearch"
    assert info["version"]["number"].startswith("2.19.")
    health = opensearch.get(
        "/_cluster/health", params={"wait_for_status": "yellow", "timeout": "10s"}
    ).json()
    assert health["status"] in ("yellow", "green"), health


def test_cjk_analyzer_makes_bigrams(opensearch: httpx.Client) -> None:
    response = opensearch.post("/_analyze", json={"analyzer": "cjk", "text": "隐患配电箱"})
    assert _tokens(response) == ["隐患", "患配", "配电", "电箱"]


def test_cjk_analyzer_in_an_index_mapping(opensearch: httpx.Client) -> None:
    """An index declaring a ``cjk`` analyzer in its settings, as a mapping for a full
    distribution does, is created, analyses with it and finds a document by a bigram."""
    index = f"anzexian-test-cjk-{uuid.uuid4().hex[:12]}"
    body = {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "analysis": {"analyzer": {"zh": {"type": "cjk"}}},
        },
        "mappings": {"properties": {"text": {"type": "text", "analyzer": "zh"}}},
    }
    opensearch.put(f"/{index}", json=body).raise_for_status()
    try:
        tokens = _tokens(
            opensearch.post(f"/{index}/_analyze", json={"analyzer": "zh", "text": "隐患 配电箱"})
        )
        assert tokens == ["隐患", "配电", "电箱"]
        opensearch.put(
            f"/{index}/_doc/1",
            params={"refresh": "true"},
            json={"text": "发现配电箱接地线松动的隐患"},
        ).raise_for_status()
        hits = opensearch.post(
            f"/{index}/_search", json={"query": {"match_phrase": {"text": "配电箱"}}}
        ).json()["hits"]
        assert [hit["_id"] for hit in hits["hits"]] == ["1"]
        missing = opensearch.post(
            f"/{index}/_search", json={"query": {"match_phrase": {"text": "电箱配"}}}
        ).json()["hits"]
        assert missing["hits"] == []
    finally:
        opensearch.delete(f"/{index}")
