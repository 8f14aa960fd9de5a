"""`anzexian verify` and `anzexian archive keygen / checkpoint` as an operator runs them, on a
temporary SQLite file (R-7.4-archive)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from server.cli import app
from server.settings import get_settings
from store.database import create_engine, session_factory
from tests.services.archive.scene import build_scene

runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """The settings are cached per process: read them again with this test's environment,
    and drop them after it, so no later test inherits its signing key."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path, str]:
    """A migrated file holding the two-unit archive scene, and a signing key in the settings."""
    path = tmp_path / "archive.db"
    url = f"sqlite+aiosqlite:///{path}"
    assert runner.invoke(app, ["migrate", "--database-url", url]).exit_code == 0

    async def add() -> str:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session, session.begin():
                scene = await build_scene(session)
                return scene.units[0].credit_code
        finally:
            await engine.dispose()

    code = asyncio.run(add())
    key = tmp_path / "keys" / "archive.pem"
    made = runner.invoke(app, ["archive", "keygen", "--out", str(key)])
    assert made.exit_code == 0, made.output
    assert "public key (Ed25519, hex)" in made.stdout
    assert key.stat().st_mode & 0o077 == 0  # owner-only
    monkeypatch.setenv("ANZEXIAN_ARCHIVE_SIGNING_KEY", str(key))
    get_settings.cache_clear()
    return url, path, code


def _verify(url: str, *extra: str) -> Result:
    return runner.invoke(app, ["verify", "--no-progress", "--database-url", url, *extra])


def _tamper(path: Path, statement: str) -> None:
    """As a DBA would: SQLite has no DISABLE TRIGGER, so the trigger goes first."""
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER fee_ledger_entry_archived_update")
        db.execute(statement)


def test_an_intact_archive_verifies_and_exits_0(site: tuple[str, Path, str]) -> None:
    url, _, code = site
    result = _verify(url)
    assert result.exit_code == 0, result.output
    assert "2 chains" in result.stdout and "intact" in result.stdout
    one = _verify(url, "--unit", code)
    assert one.exit_code == 0 and "1 chains" in one.stdout
    unknown = _verify(url, "--unit", "NOSUCHUNIT")
    assert unknown.exit_code == 1 and "NOT_FOUND" in unknown.output


def test_a_tamper_exits_1_naming_the_first_broken_entry(site: tuple[str, Path, str]) -> None:
    url, path, code = site
    _tamper(path, "UPDATE fee_ledger_entry SET amount = amount + 1 WHERE id = 1")
    result = _verify(url)
    assert result.exit_code == 1
    line = next(x for x in result.stdout.splitlines() if x.startswith("unit"))
    assert f"unit {code}" in line
    assert "kind fee_ledger" in line and "source fee_ledger_entry 1 v1" in line
    assert "SOURCE_CHANGED" in line and "first broken entry seq" in line
    assert "1 broken" in result.output


def test_a_signed_checkpoint_is_checked(site: tuple[str, Path, str], tmp_path: Path) -> None:
    url, _, _ = site
    out = tmp_path / "checkpoint.json"
    made = runner.invoke(app, ["archive", "checkpoint", "--out", str(out), "--database-url", url])
    assert made.exit_code == 0, made.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["heads"]) == 2 and len(document["signature"]) == 128

    good = _verify(url, "--checkpoint", str(out))
    assert good.exit_code == 0 and "against the signed checkpoint" in good.stdout

    document["heads"][0]["seq"] += 1  # an edited checkpoint no longer matches its signature
    out.write_text(json.dumps(document), encoding="utf-8")
    forged = _verify(url, "--checkpoint", str(out))
    assert forged.exit_code == 1
    assert "ARCHIVE_CHECKPOINT_INVALID" in forged.output


def test_a_checkpoint_needs_a_signing_key(
    site: tuple[str, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _, _ = site
    monkeypatch.setenv("ANZEXIAN_ARCHIVE_SIGNING_KEY", "")
    get_settings.cache_clear()
    out = tmp_path / "checkpoint.json"
    result = runner.invoke(app, ["archive", "checkpoint", "--out", str(out), "--database-url", url])
    assert result.exit_code == 1 and "ARCHIVE_SIGNING_KEY" in result.output
    assert not out.exists()
