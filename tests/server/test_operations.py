"""Operations (issue 8): liveness, readiness naming what fails, Prometheus metrics, request
ids and the structured access log, over HTTP against the app."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest
from alembic.script import ScriptDirectory
from pydantic import SecretStr
from sqlalchemy import event, text

from server.app import create_app
from server.json_logging import JsonFormatter, RequestIdFilter
from server.request_record import close_record, open_record
from server.settings import Settings
from store.database import create_engine, session_factory
from store.migrate import alembic_config, head_revision, upgrade
from store.models.search_outbox import SearchOutbox
from tests.search.conftest import opensearch_url

SECRET = SecretStr("test-secret-0123456789abcdef0123456789")
VIEWER = "query Viewer { viewer { name } }"
# Nothing listens on port 1 of the loopback interface: a refused connection, at once.
CLOSED = "127.0.0.1:1"


async def _migrated(tmp_path: Path, revision: str = "head") -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}"
    engine = create_engine(url)
    await upgrade(engine, revision)
    await engine.dispose()
    return url


async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    await app.state.search.backend.close()  # the lifespan's job, which ASGITransport skips
    await app.state.engine.dispose()


@pytest.fixture
async def url(tmp_path: Path) -> str:
    return await _migrated(tmp_path)


@pytest.fixture
async def client(url: str) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client(Settings(database_url=url, token_secret=SECRET)):
        yield c


def sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from the exposition text (0 when it is absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = rf"^{re.escape(name)}(?:\{{{re.escape(wanted)}\}})? (\S+)$" if labels else None
    for line in text.splitlines():
        if labels:
            found = re.match(pattern or "", line)
        else:
            found = re.match(rf"^{re.escape(name)} (\S+)$", line)
        if found:
            return float(found.group(1))
    return 0.0


# --- liveness and readiness ------------------------------------------------------------------


async def test_healthz_touches_nothing(tmp_path: Path) -> None:
    # A database that does not answer: liveness is still fine (the process is alive).
    settings = Settings(database_url=f"postgresql+asyncpg://x:y@{CLOSED}/none")
    async for client in _client(settings):
        response = await client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


async def test_readyz_ok_when_database_and_migrations_are(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok"},  # FTS5 is in-process: no check
    }


async def test_readyz_503_when_the_database_is_unreachable() -> None:
    settings = Settings(database_url=f"postgresql+asyncpg://x:y@{CLOSED}/none")
    async for client in _client(settings):
        response = await client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "not ready"
        assert body["failing"] == ["database", "migrations"]
        assert body["checks"]["database"].startswith("error: ")


async def test_readyz_503_when_migrations_are_behind(tmp_path: Path) -> None:
    head = head_revision()
    assert head is not None
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head).down_revision
    assert isinstance(previous, str)
    url = await _migrated(tmp_path, previous)
    async for client in _client(Settings(database_url=url)):
        response = await client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["failing"] == ["migrations"]
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["migrations"] == f"behind: at {previous}, head is {head}"


async def test_readyz_ok_when_a_newer_release_migrated_further(tmp_path: Path) -> None:
    # A rolling upgrade: the new release's (additive) migration ran, this older gateway does
    # not know its revision and must stay in rotation (deploy/README.md, "Upgrades").
    url = await _migrated(tmp_path)
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '9999_newer'"))
    await engine.dispose()
    async for client in _client(Settings(database_url=url)):
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"]["migrations"] == "ok"


async def test_readyz_503_when_the_search_cluster_is_unreachable(url: str) -> None:
    settings = Settings(database_url=url, search_url=f"http://{CLOSED}", search_timeout_seconds=1)
    async for client in _client(settings):
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failing"] == ["search"]


async def test_readyz_checks_a_real_search_cluster(url: str) -> None:
    settings = Settings(database_url=url, search_url=opensearch_url())
    async for client in _client(settings):
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"] == {"database": "ok", "migrations": "ok", "search": "ok"}


# --- metrics ------------------------------------------------------------------------------------


async def test_metrics_count_requests_latency_statements_and_errors(
    client: httpx.AsyncClient,
) -> None:
    for _ in range(2):
        response = await client.post("/graphql", json={"query": VIEWER})
        assert response.status_code == 200
    # The operation's name from the document when operationName is absent; a parse error.
    await client.post("/graphql", json={"query": "query Broken { viewer { "})
    # A bad token: refused before GraphQL runs, counted under its code.
    await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": "Bearer not-a-token"}
    )
    await client.get("/healthz")

    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert sample(text, "anzexian_requests_total", operation="Viewer", outcome="ok") == 2
    # Refused before the operation was read: counted under the route.
    assert sample(text, "anzexian_requests_total", operation="/graphql", outcome="error") == 1
    assert sample(text, "anzexian_requests_total", operation="Broken", outcome="error") == 1
    assert sample(text, "anzexian_requests_total", operation="/healthz", outcome="ok") == 1
    assert sample(text, "anzexian_request_duration_seconds_count", operation="Viewer") == 2
    assert sample(text, "anzexian_request_duration_seconds_sum", operation="Viewer") > 0
    # The public viewer reads no row; the statements the requests did send are counted.
    assert sample(text, "anzexian_request_sql_statements_count", operation="Viewer") == 2
    assert sample(text, "anzexian_request_sql_statements_count", operation="/healthz") == 1
    assert sample(text, "anzexian_request_sql_statements_sum", operation="/healthz") == 0
    assert sample(text, "anzexian_errors_total", code="UNAUTHENTICATED") == 1
    assert sample(text, "anzexian_errors_total", code="GRAPHQL_PARSE_FAILED") == 1
    assert "anzexian_audit_queue_depth " in text


async def test_metrics_count_every_sql_statement_of_the_requests(url: str) -> None:
    # An independent count of what the engine sent: without the lifespan no background task
    # runs, so every statement belongs to a request and the histogram's sums must add up.
    sent: list[str] = []
    app = create_app(Settings(database_url=url, token_secret=SECRET))
    event.listen(
        app.state.engine.sync_engine, "before_cursor_execute", lambda *a: sent.append(a[2])
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        query = "query Regions { regions(first: 3) { nodes { code } } }"
        for _ in range(3):
            answer = (await client.post("/graphql", json={"query": query})).json()
            assert "errors" not in answer, answer
        await client.post("/graphql", json={"query": VIEWER})
        sent_before_scrape = len(sent)
        text = (await client.get("/metrics")).text
    await app.state.search.backend.close()
    await app.state.engine.dispose()
    assert sent_before_scrape >= 3  # each Regions read sends at least its one statement
    counted = sample(text, "anzexian_request_sql_statements_sum", operation="Regions") + sample(
        text, "anzexian_request_sql_statements_sum", operation="Viewer"
    )
    assert counted == sent_before_scrape
    assert sample(text, "anzexian_request_sql_statements_count", operation="Regions") == 3


async def test_metrics_report_the_search_outbox_lag(client: httpx.AsyncClient, url: str) -> None:
    engine = create_engine(url)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    async with session_factory(engine)() as session, session.begin():
        session.add_all(
            [
                SearchOutbox(entity="insured_unit", row_id=1, created_at=an_hour_ago),
                SearchOutbox(entity="insured_unit", row_id=2),
                SearchOutbox(entity="insured_unit", row_id=3, processed_at=datetime.now(UTC)),
            ]
        )
    await engine.dispose()
    text = (await client.get("/metrics")).text
    assert sample(text, "anzexian_search_outbox_pending_rows") == 2
    age = sample(text, "anzexian_search_outbox_oldest_pending_age_seconds")
    assert 3600 <= age < 3600 + 300


# --- request ids and logs ----------------------------------------------------------------------


async def test_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"X-Request-ID": "edge-42.a"})
    assert given.headers["x-request-id"] == "edge-42.a"
    made = await client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    # Not a sane token (spaces, too long): replaced, never copied into logs and headers.
    odd = await client.get("/healthz", headers={"X-Request-ID": "a b" + "x" * 200})
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["x-request-id"])


async def test_one_structured_access_line_per_request(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="anzexian.access"):
        await client.post("/graphql", json={"query": VIEWER}, headers={"X-Request-ID": "r-1"})
    [line] = [r for r in caplog.records if r.name == "anzexian.access"]
    entry = orjson.loads(JsonFormatter().format(line))
    assert entry["request_id"] == "r-1"
    assert entry["operation"] == "Viewer"
    assert entry["status"] == 200
    assert entry["route"] == "/graphql"
    assert isinstance(entry["sql_statements"], int)
    assert entry["duration_ms"] > 0


def test_log_lines_written_during_a_request_carry_its_id() -> None:
    record, token = open_record("req-7")
    try:
        line = logging.LogRecord("anzexian.x", logging.WARNING, __file__, 1, "hi %s", ("x",), None)
        assert RequestIdFilter().filter(line)
    finally:
        close_record(token)
    entry = orjson.loads(JsonFormatter().format(line))
    assert entry == entry | {"request_id": "req-7", "level": "warning", "message": "hi x"}
    assert record.request_id == "req-7"
