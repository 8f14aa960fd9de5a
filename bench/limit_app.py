"""The physical limit: a minimal Starlette app that answers each named read operation with
the best hand-written SQL we know for the same answer, PostgreSQL building the whole JSON
(``json_build_object``/``json_agg``), and returns its bytes untouched.

    BENCH_DATABASE_URL=postgresql://... uvicorn bench.limit_app:app

``POST /<operation>`` with a small JSON body of the operation's arguments (see
``BINDERS``). One asyncpg pool, one prepared statement per operation (asyncpg caches it per
connection), one round trip per request: no session, no transaction block, no ORM, no
GraphQL. The SQL lives in ``bench/sql/*.sql`` with ``:name`` parameters, which pgbench
also runs (``bench/run.py`` renders them with literal values).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SQL_DIR = Path(__file__).with_name("sql")
_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")

# The SQL file of each operation.
SQL_FILES: dict[str, str] = {
    "point": "point.sql",
    "page100": "page.sql",
    "page1000": "page.sql",
    "page_deep": "page.sql",
    "stats_region_industry": "stats_region_industry.sql",
    "stats_insurer_league": "stats_insurer_league.sql",
}


def load_sql(file_name: str) -> tuple[str, list[str]]:
    """The SQL without comments, with ``:name`` turned into ``$n``, and the names in order."""
    text = _COMMENT.sub("", (SQL_DIR / file_name).read_text(encoding="utf-8"))
    names: list[str] = []

    def positional(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _PARAM.sub(positional, text), names


def sql_literal(value: Any) -> str:
    """A parameter value as an SQL literal (for pgbench scripts)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        items = ",".join(
            ("t" if v else "f")
            if isinstance(v, bool)
            else str(v.isoformat())
            if isinstance(v, date | datetime)
            else str(v)
            for v in value
        )
        return "'{" + items + "}'"
    if isinstance(value, date | datetime):
        return "'" + value.isoformat() + "'"
    return "'" + str(value).replace("'", "''") + "'"


def render_literal(file_name: str, params: dict[str, Any]) -> str:
    """The SQL of ``file_name`` with every ``:name`` replaced by its literal (pgbench)."""
    text = _COMMENT.sub("", (SQL_DIR / file_name).read_text(encoding="utf-8"))
    # pgbench reads one statement per script up to the ';', across lines.
    return _PARAM.sub(lambda m: sql_literal(params[m.group(1)]), text).strip() + "\n"


def pg_settings() -> dict[str, str]:
    """PostgreSQL parameters for every connection, from ``BENCH_PG_SETTINGS="jit=off,..."``."""
    raw = os.environ.get("BENCH_PG_SETTINGS", "")
    pairs = (item.split("=", 1) for item in raw.split(",") if "=" in item)
    return {name.strip(): value.strip() for name, value in pairs}


# -- the working-day calendar (stats) --------------------------------------------------


def calendar_arrays() -> dict[str, list[Any]]:
    """Every day the installed holiday calendar covers, with the running count of working
    days (the same rows the gateway's calendar CTE holds for a span, only all of them, bound
    as three arrays: the statement text and its plan do not depend on the range)."""
    import chinese_calendar

    years = sorted({d.year for d in chinese_calendar.holidays})
    day, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    days: list[date] = []
    indexes: list[int] = []
    workdays: list[bool] = []
    index = 0
    while day <= last:
        workday = bool(chinese_calendar.is_workday(day))
        index += workday
        days.append(day)
        indexes.append(index)
        workdays.append(workday)
        day += timedelta(days=1)
    return {"cal_day": days, "cal_wd": indexes, "cal_workday": workdays}


# -- per-operation arguments -----------------------------------------------------------


def _cursor(text: str | None) -> tuple[datetime | None, int | None]:
    """``completed_at:desc|<instant>|<id>`` → (instant, id); the first page has none."""
    if text is None:
        return None, None
    prefix, key, pk = text.split("|")
    if prefix != "completed_at:desc" or key == "~":
        raise ValueError(f"this limit handles completed_at:desc cursors with a key: {text!r}")
    return datetime.fromisoformat(key), int(pk)


def _page(body: dict[str, Any]) -> dict[str, Any]:
    after_at, after_id = _cursor(body.get("after"))
    return {
        "jurisdiction": body["jurisdiction"],
        "region": body["region"],
        "first": int(body["first"]),
        "after_at": after_at,
        "after_id": after_id,
    }


def _stats_range(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "from_day": date.fromisoformat(body["from"]),
        "to_day": date.fromisoformat(body["to"]),
        "jurisdiction": body["jurisdiction"],
    }


def _stats_region(body: dict[str, Any]) -> dict[str, Any]:
    return {"region": body["region"], "jurisdiction": body["jurisdiction"]}


BINDERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "point": lambda body: {"id": int(body["id"]), "jurisdiction": body["jurisdiction"]},
    "page100": _page,
    "page1000": _page,
    "page_deep": _page,
    "stats_region_industry": _stats_range,
    "stats_insurer_league": _stats_region,
}


def bind(operation: str, body: dict[str, Any], calendar: dict[str, list[Any]]) -> dict[str, Any]:
    params = BINDERS[operation](body)
    if operation.startswith("stats_"):
        params |= calendar
    return params


# -- the app ---------------------------------------------------------------------------


def create_app(database_url: str | None = None) -> Starlette:
    url = (database_url or os.environ["BENCH_DATABASE_URL"]).replace("+asyncpg", "")
    statements = {op: load_sql(file_name) for op, file_name in SQL_FILES.items()}
    calendar = calendar_arrays()
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # As many connections as the gateway's engine may open (pool 10 + overflow 10).
        state["pool"] = await asyncpg.create_pool(
            url, min_size=1, max_size=20, server_settings=pg_settings()
        )
        yield
        await state["pool"].close()

    async def run(request: Request) -> Response:
        operation = request.path_params["operation"]
        if operation not in statements:
            return Response(b'{"error":"unknown operation"}', status_code=404)
        sql, names = statements[operation]
        params = bind(operation, orjson.loads(await request.body()), calendar)
        pool: asyncpg.Pool = state["pool"]
        async with pool.acquire() as conn:
            text: str = await conn.fetchval(sql, *(params[n] for n in names))
        return Response(text.encode(), media_type="application/json")

    return Starlette(routes=[Route("/{operation}", run, methods=["POST"])], lifespan=lifespan)


def app() -> Starlette:
    """For ``uvicorn --factory bench.limit_app:app``."""
    return create_app()
