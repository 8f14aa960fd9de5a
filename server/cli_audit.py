"""``anzexian audit``: operators' questions to the audit log (审计日志).

``who-read`` lists who read an insured unit's archive, newest first, from the database of
``--database-url`` with no policy in between (the operator holds the database credentials
anyway); regulators and admins ask the same through GraphQL ``archiveReads``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from server.cli_options import DatabaseUrl, fail
from server.cli_options import run_in_transaction as _run

CHINA = timezone(timedelta(hours=8), "CST")

audit_app = typer.Typer(
    help="Audit log / 审计日志: who read what. Entries are written by each server process "
    "within ANZEXIAN_AUDIT_FLUSH_SECONDS of the operation (default 0.5 s).",
    no_args_is_help=True,
)


def _unit_key(value: str) -> int:
    key = value.removeprefix("InsuredUnit:")
    if not key.isascii() or not key.isdigit():
        raise fail(
            "单位编号应为数字或 InsuredUnit:<编号>",
            "UNIT_ID is a number or InsuredUnit:<number>",
            code="BAD_ID",
        )
    return int(key)


@audit_app.command("who-read")
def who_read(
    unit_id: Annotated[str, typer.Argument(help="The insured unit: 42 or InsuredUnit:42.")],
    since: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Only entries from this day on (00:00 China Standard Time, UTC+8).",
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 100,
    database_url: DatabaseUrl = None,
) -> None:
    """Who read UNIT_ID's archive: one line per operation, newest first (times in UTC)."""
    from services.audit_reads import who_read as entries_about
    from store.repositories.audit_entry import EntryPage

    unit = _unit_key(unit_id)
    start = None if since is None else datetime.combine(_day(since), time(), CHINA)

    async def work(session: AsyncSession) -> EntryPage:
        return await entries_about(session, unit, since=start, limit=limit)

    page = _run(database_url, work)
    for e in page.entries:
        typer.echo(
            f"{e.at:%Y-%m-%d %H:%M:%S}Z  {e.principal}  [{e.roles}]  {e.scope}  {e.kind.value}"
            f"  {e.operation_name or '-'}  rows={e.row_count}  op={e.operation_hash[:12]}"
        )
    if not page.entries:
        typer.echo("无记录 / no entries", err=True)
    elif page.more:
        typer.echo(f"仅显示最近 {limit} 条 / only the latest {limit} shown (--limit)", err=True)


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value
