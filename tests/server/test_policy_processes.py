"""Two real server processes on one database: a policy change made through the database (the
`anzexian policy` command) is enforced by the *other* process within the stated bound.

The bound (server/policy_source.py): every request that starts
ANZEXIAN_POLICY_REFRESH_SECONDS (N, here the default 2 s) after the change commits is decided
by the new policy. The full reload is set to an hour here, so only the version check can
explain what the test sees. The test revokes the regulator's read on service_record, then
grants it back, polls process B for at most N + 2 s each time and requires the observed
delay to be at most N + 1 s. The delay is measured from just *before* the command starts, so
it over-states the real one (the command also opens an engine and commits). PostgreSQL when
ANZEXIAN_TEST_PG_URL is set (a database of the test's own), else a shared SQLite file.
Never skipped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from server import tokens
from server.cli import app as cli
from server.settings import Settings
from store.database import create_engine, session_factory
from store.enums import Role
from store.models.role_binding import RoleBinding
from tests.factories.insurance_policy import create_policy
from tests.factories.principal import create_principal
from tests.factories.service_record import create_service_record
from tests.factories.world import PROVINCE, build_world
from tests.server.processes import Server, database, servers

BOUND = Settings().policy_refresh_seconds  # the default: what the README states
SECRET = "policy-xproc-secret-0123456789abcdef0123"
RECORDS = {"query": "{ serviceRecords { totalCount } }"}
RULE = ("regulator", "service_record", "read", "jurisdiction")
ENV = {
    "ANZEXIAN_TOKEN_SECRET": SECRET,
    "ANZEXIAN_POLICY_REFRESH_SECONDS": str(BOUND),
    "ANZEXIAN_POLICY_RELOAD_SECONDS": "3600",  # the backstop out of the way
    "ANZEXIAN_LIMIT_RATE": "off",  # the polling would trip the regulator's rate
}


async def _prepare(url: str) -> str:
    """One service record in Guangdong and a regulator of Guangdong; returns its name."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            world = await build_world(session)
            policy = await create_policy(
                session, insurer_id=world.insurer.id, unit_id=world.unit.id
            )
            await create_service_record(session, policy)
            regulator = await create_principal(
                session, RoleBinding(role=Role.REGULATOR, region_code=PROVINCE)
            )
            return regulator.name
    finally:
        await engine.dispose()


def _records(server: Server, headers: dict[str, str]) -> int:
    response = server.post(RECORDS, headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return int(body["data"]["serviceRecords"]["totalCount"])


def _change_and_time(
    url: str, server: Server, headers: dict[str, str], command: str, seen: Callable[[int], bool]
) -> tuple[float, float]:
    """Run ``anzexian policy COMMAND`` on RULE, then poll ``server`` until ``seen`` holds;
    (delay from before the command, the command's own duration)."""
    assert not seen(_records(server, headers))  # its cache holds the policy before
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["policy", command, *RULE, "--database-url", url])
    committed = time.monotonic()
    assert result.exit_code == 0, result.output
    assert "policy version" in result.output  # it changed something
    _follows(server, headers, seen, since=started)
    return time.monotonic() - started, committed - started


def _follows(
    server: Server, headers: dict[str, str], seen: Callable[[int], bool], since: float | None = None
) -> None:
    """Poll ``server`` until ``seen`` holds, for at most the bound + 2 s from ``since``."""
    deadline = (since if since is not None else time.monotonic()) + BOUND + 2
    while time.monotonic() < deadline:
        if seen(_records(server, headers)):
            return
        time.sleep(0.02)
    pytest.fail(f"process {server.name} still on the old policy {BOUND + 2} s later")


def test_a_policy_change_reaches_the_other_process_within_the_bound(tmp_path: Path) -> None:
    settings = Settings(token_secret=SecretStr(SECRET))
    with database(tmp_path, "policy_xproc") as url:
        migrated = CliRunner().invoke(cli, ["migrate", "--database-url", url])
        assert migrated.exit_code == 0, migrated.output  # stores the default policy
        regulator = asyncio.run(_prepare(url))
        headers = {"Authorization": f"Bearer {tokens.issue(settings, regulator)}"}
        with servers(url, tmp_path, ENV) as (a, b):
            assert _records(a, headers) == _records(b, headers) == 1
            delays = {
                "revoke": _change_and_time(url, b, headers, "revoke", lambda n: n == 0),
            }
            # Process A, which served nothing in between, follows as well (within the
            # same bound: its last check may be younger than B's).
            _follows(a, headers, lambda n: n == 0)
            delays["grant"] = _change_and_time(url, b, headers, "grant", lambda n: n == 1)
            _follows(a, headers, lambda n: n == 1)
    for change, (delay, command) in delays.items():
        print(  # pytest -s
            f"policy {change}: enforced by the other process {delay:.3f} s after the command "
            f"started (the command itself took {command:.3f} s)"
        )
        assert delay <= BOUND + 1, (change, delay)
