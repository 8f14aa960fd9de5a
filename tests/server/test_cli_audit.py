"""`anzexian audit who-read` as an operator runs it, on a temporary SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from server.cli import app
from store.database import create_engine, session_factory
from store.repositories.audit_entry import AuditEntryRepository
from tests.factories.world import build_world
from tests.store.test_audit_log import entry

runner = CliRunner()


@pytest.fixture
def site(tmp_path: Path) -> tuple[str, int]:
    """A migrated file with a unit read on 2026-06-01 and on 2026-06-03 (UTC)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"
    assert runner.invoke(app, ["migrate", "--database-url", url]).exit_code == 0

    async def add() -> int:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session, session.begin():
                unit = (await build_world(session)).unit.id
                await AuditEntryRepository(session).append(
                    [
                        entry(
                            "early", subjects=frozenset({unit}), at=datetime(2026, 6, 1, tzinfo=UTC)
                        ),
                        entry(
                            "late", subjects=frozenset({unit}), at=datetime(2026, 6, 3, tzinfo=UTC)
                        ),
                    ]
                )
                return unit
        finally:
            await engine.dispose()

    return url, asyncio.run(add())


def test_who_read_lists_the_readers_newest_first(site: tuple[str, int]) -> None:
    url, unit = site
    result = runner.invoke(app, ["audit", "who-read", f"InsuredUnit:{unit}", "--database-url", url])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[2] for line in lines] == ["late", "early"]
    assert "regulator@jurisdiction:440000" in lines[0] and "rows=2" in lines[0]

    since = ["audit", "who-read", str(unit), "--since", "2026-06-02", "--database-url", url]
    assert [line.split()[2] for line in runner.invoke(app, since).stdout.splitlines()] == ["late"]


def test_an_unknown_unit_is_not_found(site: tuple[str, int]) -> None:
    url, unit = site
    result = runner.invoke(app, ["audit", "who-read", str(unit + 1000), "--database-url", url])
    assert result.exit_code == 1
    assert "NOT_FOUND" in result.output
