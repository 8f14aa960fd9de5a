"""``anzexian``: the operator's command line (migrate, seed, serve, demo, token, policy,
schema)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Literal

import typer

from server.cli_archive import register as register_archive_commands
from server.cli_audit import audit_app
from server.cli_options import DatabaseUrl, settings_for
from server.cli_policy import policy_app
from server.cli_search import register as register_search_commands
from server.cli_search import reindex_command
from server.cli_tokens import token_app
from server.settings import Settings

app = typer.Typer(
    help="anzexian — 安责险事故预防技术服务数据共享平台 / work-safety liability insurance "
    "prevention-service data-sharing platform (AQ 9010).",
    no_args_is_help=True,
    add_completion=False,
)


def _ensure_sqlite_dir(url: str) -> None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


async def _migrate(url: str) -> str | None:
    from policies.enforcer import ensure_default_policy
    from store.database import create_engine, session_factory
    from store.migrate import current_revision, upgrade

    _ensure_sqlite_dir(url)
    engine = create_engine(url)
    try:
        await upgrade(engine)
        # A fresh database gets the default policy; an edited one is left as it is.
        await ensure_default_policy(session_factory(engine))
        return await current_revision(engine)
    finally:
        await engine.dispose()


@app.command()
def migrate(database_url: DatabaseUrl = None) -> None:
    """Create or upgrade the database schema to the latest migration (Alembic head), and
    store the default access policy when the database has none."""
    url = settings_for(database_url).database_url
    revision = asyncio.run(_migrate(url))
    typer.echo(f"database at revision {revision}")


async def _seed(url: str, scale: Literal["demo", "bench"], seed: int, progress: bool) -> None:
    from store.database import create_engine
    from store.demo.seed import seed as run_seed

    engine = create_engine(url)
    try:
        async with engine.begin() as conn:  # all-or-nothing: a failed seed leaves no rows
            report = await run_seed(conn, scale=scale, seed=seed, progress=progress)
    finally:
        await engine.dispose()
    typer.echo(report.summary())


@app.command()
def seed(
    scale: Annotated[
        str, typer.Option(help="demo: thousands of records; bench: >= 1,000,000 service records.")
    ] = "demo",
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = 1,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
    database_url: DatabaseUrl = None,
) -> None:
    """Fill an empty, migrated database with deterministic demo or bench data."""
    if scale not in ("demo", "bench"):
        raise typer.BadParameter("scale must be 'demo' or 'bench'", param_hint="--scale")
    from store.demo.seed import DatabaseNotEmptyError

    url = settings_for(database_url).database_url
    asyncio.run(_migrate(url))
    try:
        asyncio.run(_seed(url, scale, seed, progress))  # type: ignore[arg-type]
    except DatabaseNotEmptyError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default ANZEXIAN_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default ANZEXIAN_PORT).")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the GraphQL API, health endpoints and pages with uvicorn."""
    settings = settings_for(database_url)
    _serve(settings, host or settings.host, port or settings.port)


def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from server.app import create_app
    from server.json_logging import log_config

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level,
        log_config=log_config(settings.log_level, settings.log_format),
        access_log=False,  # server/request_log.py writes one structured line per request
        # X-Forwarded-For from the trusted proxies: the client address rate limits count by.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        # SIGTERM: finish the requests in flight, then the lifespan drains the audit queue.
        timeout_graceful_shutdown=settings.shutdown_timeout_seconds,
    )


async def _demo_tokens(settings: Settings) -> list[tuple[str, str, str]]:
    from server import tokens
    from store.database import create_engine, session_factory
    from store.repositories.principal import PrincipalRepository

    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            rows = await PrincipalRepository(session).active_names_by_role()
    finally:
        await engine.dispose()
    return [(role, name, tokens.issue(settings, name)) for name, role in rows]


@app.command()
def demo(
    path: Annotated[Path, typer.Option(help="SQLite file to (re)create.")] = Path("var/demo.db"),
    seed: Annotated[int, typer.Option(help="Random seed of the demo data.")] = 1,
    host: Annotated[str, typer.Option(help="Bind address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after seeding.")
    ] = True,
) -> None:
    """Fresh embedded demo: new SQLite file, seed, print URLs and a token per role, serve."""
    # The embedded search file beside the demo database (unless OpenSearch is configured).
    search_path = path.with_name(f"{path.stem}-search.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
        Path(f"{search_path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{path}"
    settings = settings_for(url)
    if not settings.search_url:
        settings = settings.model_copy(update={"search_fts_path": str(search_path)})
    asyncio.run(_migrate(url))
    asyncio.run(_seed(url, "demo", seed, progress=True))
    # Seeding writes with COPY / executemany, past the outbox: build the indexes from it.
    typer.echo(asyncio.run(reindex_command(settings, [], 1000, True)))
    base = f"http://{host}:{port}"
    typer.echo("")
    typer.echo(f"GraphQL / GraphiQL : {base}/graphql")
    typer.echo(f"health             : {base}/healthz   readiness: {base}/readyz")
    typer.echo("")
    typer.echo("tokens (Authorization: Bearer <token>); no token = public role:")
    for role, name, token in asyncio.run(_demo_tokens(settings)):
        typer.echo(f"  {role:<10} {name:<28} {token}")
    typer.echo("")
    if serve_after:
        _serve(settings, host, port)


app.add_typer(token_app, name="token")
app.add_typer(policy_app, name="policy")
app.add_typer(audit_app, name="audit")
register_search_commands(app)  # anzexian indexer, reindex, search dead-letters
register_archive_commands(app)  # anzexian verify, archive keygen / checkpoint (R-7.4-archive)


@app.command("export-schema")
def export_schema(
    out: Annotated[Path, typer.Option(help="Where to write the SDL.")] = Path(
        "schema/schema.graphql"
    ),
) -> None:
    """Write the GraphQL SDL (schema/schema.graphql is checked against it in the tests)."""
    from resolvers.root import build_schema

    out.write_text(build_schema().as_str() + "\n", encoding="utf-8")
    typer.echo(f"wrote {out}")
