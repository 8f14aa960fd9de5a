"""Options and helpers shared by the command groups of ``anzexian`` (server/cli*.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from server.settings import Settings, get_settings

T = TypeVar("T")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL (default: ANZEXIAN_DATABASE_URL, else the embedded SQLite file).",
    ),
]


def settings_for(database_url: str | None) -> Settings:
    """The environment's settings, with ``--database-url`` when given."""
    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings


def fail(
    message_zh: str, message_en: str, *, code: str | None = None, status: int = 1
) -> typer.Exit:
    """Print a bilingual error on stderr; ``raise fail(...)`` exits with ``status``."""
    tag = f" [{code}]" if code else ""
    typer.echo(f"错误{tag}：{message_zh}\nerror{tag}: {message_en}", err=True)
    return typer.Exit(status)


async def _in_transaction(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from store.database import begin_write, create_engine, session_factory
    from store.uow import UnitOfWork

    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            # A command that writes beside a running server (SQLite: store.database.begin_write).
            await begin_write(uow.session)
            return await work(uow.session)
    finally:
        await engine.dispose()


def run_in_transaction(database_url: str | None, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction; coded refusals become exit status 1."""
    from services.errors import DomainError

    url = settings_for(database_url).database_url
    try:
        return asyncio.run(_in_transaction(url, work))
    except DomainError as exc:
        raise fail(exc.message_zh, exc.message_en, code=exc.code) from exc
    except (SQLAlchemyError, OSError) as exc:
        raise fail(
            f"数据库不可用或尚未迁移（先运行 anzexian migrate）：{type(exc).__name__}",
            f"database unavailable or not migrated (run `anzexian migrate`): {exc}",
            code="DATABASE_ERROR",
        ) from exc
