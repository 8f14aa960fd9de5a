"""Migrations without downtime (issue 8; deploy/README.md, "Upgrades"): a gateway process
started before a migration keeps answering reads and writes while the migration runs, and
stays ready after it.

The migration is the kind a release ships first — additive: a new nullable column on a busy
table (complaint), then a batched backfill. It is written into a copy of this code's
migrations as the next revision after head, as the next release would carry it, and applied
with Alembic while two clients file complaints and read them through the running gateway.
Afterwards: no request failed, every acknowledged write is in the database, the gateway (which
does not know the new revision) still reports ready, rows written by it after the migration
simply leave the new column empty, and the backfill fills them."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from alembic import command
from alembic.config import Config
from pydantic import SecretStr
from sqlalchemy import text
from typer.testing import CliRunner

from server import tokens
from server.cli import app as cli
from server.settings import Settings
from store.database import create_engine, session_factory
from store.enums import Role
from store.migrate import MIGRATIONS_DIR, head_revision
from store.models.role_binding import RoleBinding
from tests.factories.insurance_policy import create_policy
from tests.factories.principal import create_principal
from tests.factories.world import build_world
from tests.server.processes import Server, database, servers

SECRET = "rolling-migration-secret-0123456789abcdef"
FILE = """
mutation File($input: FileComplaintInput!, $key: String) {
  fileComplaint(input: $input, idempotencyKey: $key) { __typename }
}
"""
COUNT = {"query": "query Count { complaints(first: 1) { totalCount } }"}
NEXT = "9001_complaint_triage_note"

NEXT_RELEASE_MIGRATION = '''"""The next release's first step: an additive column (nullable, no
default: on PostgreSQL a catalogue change only, no table rewrite and only a brief lock)."""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"


def upgrade() -> None:
    op.add_column("complaint", sa.Column("triage_note", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("complaint", "triage_note")
'''


async def _prepare(url: str) -> tuple[int, int, str]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            world = await build_world(session)
            await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
            user = await create_principal(
                session, RoleBinding(role=Role.UNIT, unit_id=world.unit.id)
            )
            return world.insurer.id, world.unit.id, user.name
    finally:
        await engine.dispose()


async def _sql(url: str, statement: str) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(statement))
            return list(result) if result.returns_rows else []
    finally:
        await engine.dispose()


def _next_release(tmp_path: Path, url: str) -> Config:
    """This code's migrations plus the next release's, in a folder of the test's own."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / f"{NEXT}.py").write_text(
        NEXT_RELEASE_MIGRATION.format(revision=NEXT, down=head_revision()), encoding="utf-8"
    )
    config = Config()
    config.set_main_option("script_location", str(folder))
    config.set_main_option("sqlalchemy.url", url)
    return config


def test_an_older_gateway_serves_through_an_additive_migration(tmp_path: Path, pg: str) -> None:
    # PostgreSQL, what production runs (``database`` makes a database of the test's own).
    settings = Settings(token_secret=SecretStr(SECRET))
    env = {"ANZEXIAN_TOKEN_SECRET": SECRET, "ANZEXIAN_LIMIT_RATE": "off"}
    with database(tmp_path, "rolling") as url:
        migrated = CliRunner().invoke(cli, ["migrate", "--database-url", url])
        assert migrated.exit_code == 0, migrated.output
        insurer_id, unit_id, user = asyncio.run(_prepare(url))
        headers = {"Authorization": f"Bearer {tokens.issue(settings, user)}"}
        next_release = _next_release(tmp_path, url)
        with servers(url, tmp_path, env) as (old, _):
            acknowledged, errors, served = _serve_while(
                old, headers, insurer_id, unit_id, lambda: command.upgrade(next_release, "head")
            )
            probe = httpx.get(f"{old.base}/readyz", timeout=10)
            ready = (probe.status_code, probe.json())
            written_after = old.post(
                {
                    "query": FILE,
                    "variables": {"input": _filing(insurer_id, unit_id, "after"), "key": "after"},
                },
                headers,
            )
        stored = asyncio.run(_sql(url, "SELECT request, triage_note FROM complaint"))
        version = asyncio.run(_sql(url, "SELECT version_num FROM alembic_version"))
        # The backfill (batched in a real release; one batch holds these rows).
        asyncio.run(_sql(url, "UPDATE complaint SET triage_note = '' WHERE triage_note IS NULL"))
        left = asyncio.run(_sql(url, "SELECT count(*) FROM complaint WHERE triage_note IS NULL"))

    print(
        f"\nrolling migration: {served} requests served by the older gateway while "
        f"{NEXT} was applied, errors {len(errors)}, writes acknowledged {len(acknowledged)}"
    )
    assert errors == []
    assert served > 0 and acknowledged
    assert version == [(NEXT,)]
    keys = {str(request).rsplit(" ", 1)[-1] for request, _ in stored}
    assert acknowledged <= keys  # nothing acknowledged was lost
    assert ready == (200, {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}})
    assert written_after.status_code == 200
    assert written_after.json()["data"]["fileComplaint"]["__typename"] == "ComplaintSuccess"
    assert all(note is None for _, note in stored)  # the older gateway knows no such column
    assert left == [(0,)]


def _filing(insurer_id: int, unit_id: int, key: str) -> dict[str, Any]:
    return {
        "insurerId": f"Insurer:{insurer_id}",
        "unitId": f"InsuredUnit:{unit_id}",
        "filedAt": "2024-03-10T09:00:00+08:00",
        "request": f"迁移期间 {key}",
    }


def _serve_while(
    server: Server, headers: dict[str, str], insurer_id: int, unit_id: int, migrate: Any
) -> tuple[set[str], list[str], int]:
    """Two clients write and read through ``server`` before, during and after ``migrate()``."""
    stop = threading.Event()
    acknowledged: set[str] = set()
    errors: list[str] = []
    served = [0]
    lock = threading.Lock()

    def client(worker: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            key = f"w{worker}-{i}"
            try:
                if i % 2:
                    body = {
                        "query": FILE,
                        "variables": {"input": _filing(insurer_id, unit_id, key), "key": key},
                    }
                    response = server.post(body, headers)
                    ok = (
                        response.json()["data"]["fileComplaint"]["__typename"] == "ComplaintSuccess"
                    )
                else:
                    response = server.post(COUNT, headers)
                    ok = response.json()["data"]["complaints"]["totalCount"] >= 0
            except Exception as error:  # any failure is what this test counts
                with lock:
                    errors.append(f"{key}: {error!r}")
                continue
            with lock:
                served[0] += 1
                if not ok:
                    errors.append(f"{key}: {response.text}")
                elif i % 2:
                    acknowledged.add(key)

    clients = [threading.Thread(target=client, args=(w,)) for w in range(2)]
    for thread in clients:
        thread.start()
    time.sleep(1.5)
    before = served[0]
    migrate()
    after = served[0]
    time.sleep(1.5)
    stop.set()
    for thread in clients:
        thread.join(30)
    # Served before the migration, and after it by the same process (not restarted).
    assert before > 0 and served[0] > after, (before, after, served[0])
    return acknowledged, errors, served[0]
