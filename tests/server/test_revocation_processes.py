"""Two real server processes on one database: a revocation made through the database (the
`anzexian token revoke` command) is enforced by the *other* process within the stated bound.

The bound (server/revocation.py): every request that starts ANZEXIAN_AUTH_REFRESH_SECONDS
(N, here the default 2 s) after the revocation commits is refused. The test polls process B
for at most N + 2 s and requires the observed delay to be at most N + 1 s. The delay is
measured from just *before* the command starts, so it over-states the real one (the command
also opens an engine and commits). PostgreSQL when ANZEXIAN_TEST_PG_URL is set (a database
of the test's own), else a shared SQLite file. Never skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from server import tokens
from server.cli import app as cli
from server.settings import Settings
from services.api_keys import create_api_key
from store.database import create_engine, session_factory
from store.enums import PrincipalKind, Role
from store.migrate import upgrade
from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from tests.conftest import pg_url

BOUND = Settings().auth_refresh_seconds  # the default: what the README states
SECRET = "xproc-secret-0123456789abcdef0123456789"
REPO = Path(__file__).resolve().parents[2]
VIEWER = {"query": "{ viewer { name } }"}


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def status(self, headers: dict[str, str]) -> int:
        response = httpx.post(f"{self.base}/graphql", json=VIEWER, headers=headers, timeout=5)
        return response.status_code


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _prepare(url: str) -> str:
    """Migrate, add two admins, and return an API key of the first."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
        async with session_factory(engine)() as session, session.begin():
            for name in ("xproc-a", "xproc-b"):
                principal = Principal(
                    kind=PrincipalKind.USER, name=name, display_name=name, active=True
                )
                principal.bindings.append(RoleBinding(role=Role.ADMIN))
                session.add(principal)
            await session.flush()
            return (await create_api_key(session, "xproc-a", "xproc")).key
    finally:
        await engine.dispose()


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.contextmanager
def _database(tmp_path: Path) -> Iterator[str]:
    """A database for this test alone: a new PostgreSQL database, or a SQLite file."""
    base = pg_url()
    if base is None:
        yield f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
        return
    name = f"anzexian_xproc_{secrets.token_hex(4)}"
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
def _servers(url: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    env = {
        **os.environ,
        "ANZEXIAN_DATABASE_URL": url,
        "ANZEXIAN_TOKEN_SECRET": SECRET,
        "ANZEXIAN_AUTH_REFRESH_SECONDS": str(BOUND),
        "ANZEXIAN_LOG_LEVEL": "warning",
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
                    env=env,
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


def _revoke_and_time(url: str, server: Server, headers: dict[str, str], *args: str) -> float:
    """Revoke through the command line, then poll ``server`` until it refuses; the delay."""
    assert server.status(headers) == 200  # its cache holds "not revoked"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["token", "revoke", *args, "--database-url", url])
    assert result.exit_code == 0, result.output
    deadline = started + BOUND + 2
    while time.monotonic() < deadline:
        if server.status(headers) == 401:
            return time.monotonic() - started
        time.sleep(0.02)
    pytest.fail(f"process {server.name} still accepts the credential {BOUND + 2} s later")


def test_revocation_reaches_the_other_process_within_the_bound(tmp_path: Path) -> None:
    settings = Settings(token_secret=SecretStr(SECRET))
    with _database(tmp_path) as url:
        api_key = asyncio.run(_prepare(url))
        by_jti = tokens.mint(settings, "xproc-a")
        logged_out = tokens.issue(settings, "xproc-b")
        with _servers(url, tmp_path) as (a, b):
            jti_headers = {"Authorization": f"Bearer {by_jti.token}"}
            key_headers = {"X-API-Key": api_key}
            assert a.status(jti_headers) == b.status(jti_headers) == 200
            assert a.status(key_headers) == b.status(key_headers) == 200
            delays = {
                "jti": _revoke_and_time(url, b, jti_headers, "--jti", by_jti.claims.jti),
                "principal": _revoke_and_time(
                    url, b, {"Authorization": f"Bearer {logged_out}"}, "--principal", "xproc-b"
                ),
            }
            # Process A, which served nothing in between, refuses as well.
            assert a.status(jti_headers) == 401
            # API keys are read per request: refused by the very next request, in both.
            prefix = api_key.split("_")[1]
            revoked = CliRunner().invoke(
                cli, ["token", "revoke", "--api-key", prefix, "--database-url", url]
            )
            assert revoked.exit_code == 0, revoked.output
            assert b.status(key_headers) == a.status(key_headers) == 401
    for kind, delay in delays.items():
        print(
            f"revocation by {kind}: refused by the other process after {delay:.3f} s"
        )  # pytest -s
        assert delay <= BOUND + 1, (kind, delay)
