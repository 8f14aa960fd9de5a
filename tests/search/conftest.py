"""Search backends for the tests: the embedded FTS5 file and the real OpenSearch node that
``make test`` starts (``ANZEXIAN_TEST_OPENSEARCH_URL``). Each test gets indexes under a
prefix of its own, dropped at its end. Outside CI a missing node skips the OpenSearch runs
and says so; in CI (``CI=true``) it fails, never skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import NoReturn

import pytest

from search.backend import BackendUnavailable, SearchBackend
from search.fts5.backend import Fts5Backend
from search.opensearch import OpenSearchBackend

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SEARCH_BACKENDS = ["fts5", "opensearch"]


def unavailable(message: str) -> NoReturn:
    if IN_CI:
        pytest.fail(message + " (CI never skips OpenSearch tests)")
    pytest.skip(message)


def opensearch_url() -> str:
    url = os.environ.get("ANZEXIAN_TEST_OPENSEARCH_URL") or None
    if url is None:
        unavailable(
            "ANZEXIAN_TEST_OPENSEARCH_URL is not set: run the suite through `make test` "
            "(or export it from `deploy/opensearch.sh start`)"
        )
    return url


def fresh_prefix() -> str:
    return f"azxt-{uuid.uuid4().hex[:12]}"


async def open_backend(kind: str, folder: Path, prefix: str | None = None) -> SearchBackend:
    """A ready backend of ``kind`` with its aliases created."""
    prefix = prefix or fresh_prefix()
    backend: SearchBackend
    if kind == "fts5":
        backend = Fts5Backend(str(folder / "search.db"), prefix)
    else:
        url = opensearch_url()
        backend = OpenSearchBackend(url, prefix)
    try:
        await backend.ensure()
    except BackendUnavailable as exc:
        await backend.close()
        unavailable(f"OpenSearch unreachable: {exc}")
    return backend


@pytest.fixture(params=SEARCH_BACKENDS)
async def search_backend(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[SearchBackend]:
    backend = await open_backend(request.param, tmp_path)
    try:
        yield backend
    finally:
        await backend.drop_all()
        await backend.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.search.quality_report import FIGURES

    if FIGURES:
        terminalreporter.section("search quality (labelled Chinese queries)")
        for line in FIGURES:
            terminalreporter.write_line(line)
