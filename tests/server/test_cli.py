"""The operator's commands, run the way a newcomer runs them (on a temporary SQLite file)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from server.cli import app
from store.database import create_engine
from store.migrate import head_revision
from store.models import Insurer, ServiceRecord

runner = CliRunner()  # stderr is mixed into output


def _count(url: str, model: type[Insurer] | type[ServiceRecord]) -> int:
    async def go() -> int:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return int(
                    (await conn.execute(select(func.count()).select_from(model))).scalar_one()
                )
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_help_explains_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("migrate", "seed", "serve", "demo", "token", "export-schema"):
        assert command in result.output


def test_migrate_then_seed_demo(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'sub' / 'cli.db'}"  # the folder is created
    result = runner.invoke(app, ["migrate", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert f"revision {head_revision()}" in result.output

    result = runner.invoke(app, ["seed", "--scale", "demo", "--no-progress", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert _count(url, ServiceRecord) >= 1000

    # A second seed is refused and changes nothing.
    before = _count(url, ServiceRecord)
    result = runner.invoke(app, ["seed", "--scale", "demo", "--no-progress", "--database-url", url])
    assert result.exit_code == 1
    assert "already has" in result.output
    assert _count(url, ServiceRecord) == before


def test_seed_refuses_unknown_scale(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["seed", "--scale", "huge", "--database-url", url])
    assert result.exit_code == 2
    assert "scale" in result.output


def test_demo_without_serving_prints_urls_and_a_token_per_role(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    result = runner.invoke(app, ["demo", "--path", str(path), "--no-serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/graphql" in result.output
    for role in ("regulator", "insurer", "unit", "agency", "admin"):
        assert f"  {role} " in result.output
    assert _count(f"sqlite+aiosqlite:///{path}", Insurer) > 0
