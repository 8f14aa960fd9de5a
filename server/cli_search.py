"""``anzexian indexer`` and ``anzexian reindex``: the search outbox drained outside a server
process, and a rebuild of every index from the database with an alias swap; ``anzexian search
dead-letters`` / ``retry-dead-letters``: the documents the backend refused, and their retry."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from server.cli_options import DatabaseUrl, fail, settings_for
from server.cli_options import run_in_transaction as _run
from server.settings import Settings

TYPES_HELP = (
    "Only these types (repeat): service_record, complaint, service_scheme, annual_evaluation, "
    "insured_unit. Default: all."
)


async def reindex_command(settings: Settings, types: list[str], batch: int, progress: bool) -> str:
    from search.documents import DOC_TYPES
    from search.reindex import reindex
    from server.search import backend_of
    from store.database import create_engine, session_factory

    engine = create_engine(settings.database_url)
    backend = backend_of(settings)
    try:
        report = await reindex(
            session_factory(engine),
            backend,
            types=tuple(types) or DOC_TYPES,
            batch_size=batch,
            progress=progress,
        )
    finally:
        await backend.close()
        await engine.dispose()
    rate = report.total / report.seconds if report.seconds else 0.0
    lines = [
        f"{t}: {n} documents → {report.indexes[t]} in {report.type_seconds[t]:.1f} s "
        f"({n / report.type_seconds[t] if report.type_seconds[t] else 0.0:,.0f}/s)"
        for t, n in report.documents.items()
    ]
    lines.append(
        f"{report.total} documents in {report.seconds:.1f} s ({rate:,.0f}/s) on {backend.name}; "
        f"{report.replayed} outbox rows replayed into the new indexes"
    )
    for doc_type, failures in report.failed.items():
        lines.append(f"{doc_type}: {len(failures)} refused, e.g. {failures[0]}")
    return "\n".join(lines)


async def _indexer(settings: Settings, once: bool) -> str:
    from search.backend import BackendUnavailable
    from server.search import backend_of, indexer_of
    from store.database import create_engine, session_factory

    engine = create_engine(settings.database_url)
    backend = backend_of(settings)
    indexer = indexer_of(settings, session_factory(engine), backend)
    try:
        await backend.ensure()
        if once:
            report = await indexer.catch_up()
            await indexer.release()
            if not report.leased:
                return "another indexer holds the lease; nothing done"
            return (
                f"{report.outbox_rows} outbox rows: {report.indexed} indexed, "
                f"{report.deleted} deleted, {report.parked} parked, "
                f"{report.retry_later} left for a retry"
            )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await indexer.run(stop, interval=settings.search_indexer_interval_seconds)
        return "indexer stopped"
    except BackendUnavailable as exc:
        raise fail(
            f"检索服务不可用：{exc}",
            f"search backend unavailable: {exc}",
            code="SEARCH_UNAVAILABLE",
        ) from exc
    finally:
        await backend.close()
        await engine.dispose()


search_app = typer.Typer(
    help="Full-text search / 全文检索: the documents the search backend refused (死信, dead "
    "letters) and their retry.",
    no_args_is_help=True,
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


@search_app.command("dead-letters")
def dead_letters_command(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="List at most this many.")] = 50,
    database_url: DatabaseUrl = None,
) -> None:
    """List the parked documents, oldest first, with the backend's reason, and count them
    per type."""
    from search.dead_letters import DeadLetters, dead_letters

    async def work(session: AsyncSession) -> DeadLetters:
        return await dead_letters(session, limit)

    found = _run(database_url, work)
    for d in found.letters:
        typer.echo(
            f"#{d.id}  {d.doc_type}:{d.doc_id}  {d.backend} {d.status}  "
            f"{d.failed_at:%Y-%m-%d %H:%M:%S}Z  outbox={d.outbox_id}  {_one_line(d.reason)}"
        )
    per_type = ", ".join(f"{t} {n}" for t, n in found.counts.items())
    typer.echo(f"死信 / dead letters: {found.total}" + (f" ({per_type})" if per_type else ""))
    if found.total > len(found.letters):
        typer.echo(f"仅显示最早的 {limit} 条 / only the oldest {limit} shown (--limit)", err=True)


@search_app.command("retry-dead-letters")
def retry_dead_letters_command(
    ids: Annotated[
        list[int] | None,
        typer.Option("--id", help="Only this dead letter (repeat). Default: all of them."),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Move parked documents back into the search outbox (the indexer rebuilds them from the
    database); running it again moves nothing more."""
    from search.dead_letters import Requeued, requeue
    from store.base import utcnow

    async def work(session: AsyncSession) -> Requeued:
        return await requeue(session, utcnow(), ids)

    moved = _run(database_url, work)
    typer.echo(
        f"重新排队 / requeued: {moved.letters} dead letter(s) → {moved.documents} outbox row(s)"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(search_app, name="search")

    @app.command()
    def indexer(
        once: Annotated[
            bool, typer.Option("--once", help="Drain what is pending, then exit.")
        ] = False,
        database_url: DatabaseUrl = None,
    ) -> None:
        """Drain the search outbox into the search backend (what each server process also
        does, unless ANZEXIAN_SEARCH_INDEXER=false)."""
        typer.echo(asyncio.run(_indexer(settings_for(database_url), once)))

    @app.command()
    def reindex(
        type_: Annotated[list[str] | None, typer.Option("--type", help=TYPES_HELP)] = None,
        batch: Annotated[int, typer.Option(help="Documents per bulk request.")] = 1000,
        progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
        database_url: DatabaseUrl = None,
    ) -> None:
        """Rebuild the search indexes from the database into new versioned indexes and swap
        the aliases (searches keep answering from the old ones until then)."""
        from search.documents import DOC_TYPES

        unknown = sorted(set(type_ or ()) - set(DOC_TYPES))
        if unknown:
            raise fail(
                f"未知的检索类型：{', '.join(unknown)}",
                f"unknown search type(s): {', '.join(unknown)}",
                code="INVALID_INPUT",
            )
        settings = settings_for(database_url)
        typer.echo(asyncio.run(reindex_command(settings, list(type_ or ()), batch, progress)))
