"""Real ``anzexian serve`` processes on one database, for the tests of what crosses processes
(revocation, policy changes): a database of the test's own, two servers, their logs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from store.database import create_engine
from tests.conftest import pg_url

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def post(self, body: Mapping[str, Any], headers: Mapping[str, str]) -> httpx.Response:
        return httpx.post(f"{self.base}/graphql", json=dict(body), headers=dict(headers), timeout=5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.contextmanager
def database(tmp_path: Path, prefix: str) -> Iterator[str]:
    """A database for this test alone: a new PostgreSQL database when ANZEXIAN_TEST_PG_URL
    is set, else a SQLite file."""
    base = pg_url()
    if base is None:
        yield f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
        return
    name = f"anzexian_{prefix}_{secrets.token_hex(4)}"
    asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _command() -> list[str]:
    script = Path(sys.executable).with_name("anzexian")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from server.cli import app; app()"]


@contextlib.contextmanager
def servers(url: str, tmp_path: Path, env: Mapping[str, str]) -> Iterator[tuple[Server, Server]]:
    """Processes A and B serving ``url`` with ``env`` (ANZEXIAN_* settings), both ready."""
    full_env = {
        **os.environ,
        "ANZEXIAN_DATABASE_URL": url,
        "ANZEXIAN_LOG_LEVEL": "warning",
        **env,
    }
    started: list[Server] = []
    try:
        for name in ("A", "B"):
            port = _free_port()
            log = tmp_path / f"server-{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [*_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                    cwd=REPO,
                    env=full_env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            started.append(Server(name, f"http://127.0.0.1:{port}", process, log))
        for server in started:
            _wait_until_up(server)
        yield started[0], started[1]
    finally:
        for server in started:
            server.process.terminate()
        for server in started:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait(timeout=10)


def _wait_until_up(server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"server {server.name} exited:\n{server.log.read_text(errors='replace')}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.base}/readyz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    pytest.fail(f"server {server.name} not ready in {timeout} s:\n{server.log.read_text()}")
