"""``anzexian verify`` and ``anzexian archive``: the tamper-evident archives (R-7.4-archive).

``verify`` recomputes every unit's archive chain (or one unit's) and compares it with the
rows it archives and, given one, a signed checkpoint; it names the first broken entry of
each broken chain and exits 1. ``archive keygen`` writes the Ed25519 signing key,
``archive checkpoint`` exports the signed chain heads. The operator holds the database
credentials, so no policy stands between these commands and the database.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from server.cli_options import DatabaseUrl, fail, settings_for
from server.settings import Settings

SHOWN = 50  # broken chains named one per line; the rest are counted

archive_app = typer.Typer(
    help="Archive chains / 档案链 (R-7.4-archive): signing key and signed checkpoints.",
    no_args_is_help=True,
)


def _domain(work: Callable[[], Any]) -> Any:
    """Run ``work``; coded refusals and an unusable database become exit status 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from services.errors import DomainError

    try:
        return work()
    except DomainError as exc:
        raise fail(exc.message_zh, exc.message_en, code=exc.code) from exc
    except (SQLAlchemyError, OSError) as exc:
        raise fail(
            f"数据库不可用或尚未迁移（先运行 anzexian migrate）：{type(exc).__name__}",
            f"database unavailable or not migrated (run `anzexian migrate`): {exc}",
            code="DATABASE_ERROR",
        ) from exc


@archive_app.command("keygen")
def keygen(
    out: Annotated[Path, typer.Option("--out", help="Where to write the private key (PEM).")],
) -> None:
    """Write a new Ed25519 signing key; point ANZEXIAN_ARCHIVE_SIGNING_KEY at it."""
    from services.archive.checkpoint import keygen as write_key

    if out.exists():
        raise fail(f"{out} 已存在，不覆盖", f"{out} exists; not overwritten", code="FILE_EXISTS")
    public = write_key(out)
    typer.echo(f"private key written to {out}\npublic key (Ed25519, hex): {public}")


async def _export(settings: Settings) -> dict[str, Any]:
    from services.archive.checkpoint import Head, load_key, sign
    from store.base import utcnow
    from store.database import create_engine
    from store.repositories import archive_entry as archive

    key = load_key(settings.archive_signing_key)
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as conn:

            def read(sync: Any) -> list[Head]:
                last = archive.last_entries(sync)
                codes = archive.unit_codes(sync)
                return [Head(u, codes.get(u, ""), s, h) for u, s, h in last]

            heads = await conn.run_sync(read)
    finally:
        await engine.dispose()
    return sign(key, utcnow(), heads)


@archive_app.command("checkpoint")
def checkpoint(
    out: Annotated[Path, typer.Option("--out", help="The checkpoint file to write (JSON).")],
    database_url: DatabaseUrl = None,
) -> None:
    """Export every chain's head (unit, seq, hash), signed with the configured key."""
    settings = settings_for(database_url)
    document = _domain(lambda: asyncio.run(_export(settings)))
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    typer.echo(f"checkpoint of {len(document['heads'])} chains written to {out}")


async def _verify(
    settings: Settings, unit: str | None, checkpoint_file: Path | None, progress: bool
) -> tuple[Any, list[str]]:
    from tqdm import tqdm

    from services.archive.checkpoint import load_key, read
    from services.archive.verify import describe, verify
    from services.rulesets import chosen
    from services.working_days import china_today
    from store.database import create_engine
    from store.repositories import archive_entry as archive

    checkpoint = None
    if checkpoint_file is not None:
        trusted = (
            load_key(settings.archive_signing_key).public_key()
            if settings.archive_signing_key
            else None
        )
        checkpoint = read(checkpoint_file, trusted)
    years = chosen(settings.ruleset, china_today()).retention.years
    bars: list[Any] = []

    def bar(label: str, total: int) -> Callable[[int], None]:
        if not progress:
            return lambda _n: None
        made = tqdm(total=total or None, desc=label, unit=" rows", dynamic_ncols=True)
        bars.append(made)

        def tick(n: int) -> None:
            made.update(n)

        return tick

    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as conn:

            def run(sync: Any) -> Any:
                unit_id = None
                if unit is not None:
                    unit_id = archive.unit_id_of(sync, unit)
                    if unit_id is None:
                        return None
                return verify(
                    sync,
                    retention_years=years,
                    unit_id=unit_id,
                    checkpoint=checkpoint,
                    progress=bar,
                )

            report = await conn.run_sync(run)
    finally:
        for made in bars:
            made.close()
        await engine.dispose()
    if report is None:
        return None, []
    lines = [describe(b, report.codes.get(u)) for u, b in sorted(report.breaks.items())]
    return report, lines


def verify_command(
    unit: Annotated[
        str | None, typer.Option("--unit", help="Only this unit's chain (its credit code).")
    ] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", help="A signed checkpoint file to check the heads against."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
    database_url: DatabaseUrl = None,
) -> None:
    """Verify the archive chains (R-7.4-archive); exit 1 naming each chain's first broken entry."""
    settings = settings_for(database_url)
    report, lines = _domain(lambda: asyncio.run(_verify(settings, unit, checkpoint, progress)))
    if report is None:
        raise fail(f"未找到单位 {unit}", f"no insured unit {unit}", code="NOT_FOUND")
    for line in lines[:SHOWN]:
        typer.echo(line)
    if len(lines) > SHOWN:
        typer.echo(f"… {len(lines) - SHOWN} more broken chains (--unit CODE shows one)")
    against = " against the signed checkpoint" if report.checkpoint is not None else ""
    summary = (
        f"{report.units} chains, {report.entries} entries, {report.rows} archived rows "
        f"checked{against}: "
    )
    if report.intact:
        typer.echo(summary + "intact / 完整")
        return
    typer.echo(summary + f"{len(report.breaks)} broken / 已损坏", err=True)
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_command)
    app.add_typer(archive_app, name="archive")
