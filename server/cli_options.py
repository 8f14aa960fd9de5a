"""Options and helpers shared by the command groups of ``anzexian`` (server/cli*.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from server.settings import Settings, get_settings

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
