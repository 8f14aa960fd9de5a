"""The three-node OpenSearch cluster of the scale-out tests (deploy/opensearch-cluster.sh):
started here when it does not run (about 30 s), left running for the next test; `make
test-cluster` stops it afterwards. PostgreSQL is required as everywhere in CI; so is nginx
for the reverse-proxy test (tests/cluster/proxy.py, deploy/nginx.sh)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_postgres

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "opensearch-cluster.sh"


def cluster(*args: str) -> str:
    """``deploy/opensearch-cluster.sh ARGS``: its last line of output (fails the test if it
    fails)."""
    done = subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=400, check=False
    )
    assert done.returncode == 0, f"opensearch-cluster.sh {' '.join(args)}:\n{done.stderr[-3000:]}"
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


@pytest.fixture(scope="session")
def pg() -> str:
    return require_postgres()


@pytest.fixture(scope="session")
def cluster_urls(pg: str) -> str:
    """The nodes' URLs, comma-separated (the gateways' ANZEXIAN_SEARCH_URL)."""
    return cluster("start")
