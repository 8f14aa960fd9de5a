"""Graceful shutdown of a real ``anzexian serve`` process (issue 8): on SIGTERM a request in
flight (its body still arriving) is answered, and the audit write-behind queue is drained
into the database before the process exits. The audit writer is told to flush only every
minute, so the entries can only reach the table through the shutdown's drain."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
from sqlalchemy import text

from store.database import create_engine
from store.migrate import upgrade
from tests.server.processes import REPO, Server, _command, _free_port, _wait_until_up

QUERY = "query Viewer { viewer { name } }"


async def _prepare(url: str) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()


async def _audited(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text("SELECT count(*) FROM audit_entry"))).scalar_one())
    finally:
        await engine.dispose()


def test_sigterm_answers_the_request_in_flight_and_drains_the_audit_queue(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'graceful.db'}"
    asyncio.run(_prepare(url))
    port = _free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "ANZEXIAN_DATABASE_URL": url,
        "ANZEXIAN_SEARCH_FTS_PATH": str(tmp_path / "search.db"),
        "ANZEXIAN_AUDIT_FLUSH_SECONDS": "60",
        "ANZEXIAN_SHUTDOWN_TIMEOUT_SECONDS": "15",
        "ANZEXIAN_LOG_LEVEL": "info",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server("graceful", f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_up(server)
        for _ in range(4):
            assert server.post({"query": QUERY}, {}).status_code == 200
        assert asyncio.run(_audited(url)) == 0  # all four wait in the queue

        body = orjson.dumps({"query": QUERY})
        headers_sent = threading.Event()
        terminated = threading.Event()

        def slow_body() -> Iterator[bytes]:
            yield body[:10]
            headers_sent.set()
            terminated.wait(10)  # the rest only after SIGTERM has been sent
            time.sleep(0.5)
            yield body[10:]

        answer: dict[str, httpx.Response] = {}

        def in_flight() -> None:
            answer["response"] = httpx.post(
                f"{server.base}/graphql",
                content=slow_body(),
                headers={"Content-Type": "application/json", "Content-Length": str(len(body))},
                timeout=20,
            )

        thread = threading.Thread(target=in_flight)
        thread.start()
        assert headers_sent.wait(10)
        time.sleep(0.3)  # the server has the request's head and is reading its body
        process.send_signal(signal.SIGTERM)
        terminated.set()
        thread.join(20)
        # uvicorn re-raises the signal once its shutdown is complete (its exit status says
        # "stopped by SIGTERM"); the lifespan's end is in the log.
        assert process.wait(timeout=30) == -signal.SIGTERM, log.read_text(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    response = answer["response"]
    assert response.status_code == 200
    assert response.json()["data"]["viewer"]["name"] == "public"
    assert asyncio.run(_audited(url)) == 5  # the queue was drained, the late request included
    lines = [orjson.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "anzexian.access"]
    assert len(access) == 5 + 1  # the five operations and the readiness probe that passed
    assert lines[-1]["message"].startswith("Finished server process")
    assert any(line["message"] == "Application shutdown complete." for line in lines)
    assert all(line["request_id"] for line in access)
