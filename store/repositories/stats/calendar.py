"""The working-day calendar inside the statement: a row per day with the instant each deadline
of the ruleset ends when counted from that day.

The due days are worked out in Python from the holiday calendar (``services/working_days``)
and bound as a handful of text values, one per deadline, whatever the span: the SQL text is
the same for every request (the compiled statement and the server's prepared plan are
reused), the driver copies a string instead of encoding thousands of dates, and PostgreSQL
turns it into rows with ``unnest`` (SQLite: ``json_each``). Days are numbered (``day_number``)
and ``ends`` is the instant the due day ends in China, both plain arithmetic since China
keeps UTC+8 all year: "done by the due day" is one comparison of instants per row, with no
time-zone rules per record or per calendar row.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, String, Subquery, bindparam, text
from sqlalchemy.types import TypeEngine

from store.base import UTCDateTime
from store.repositories.stats.spec import DueCalendar
from store.repositories.stats.sql import CHINA_OFFSET_SECONDS, SECONDS_PER_DAY, no_rows

# The deadlines of ``DueCalendar`` (and ``DeadlineDays``); each gives a column ``<name>_ends``.
DEADLINES: tuple[str, ...] = ("followup", "archive", "complaint", "complaint_verified")
# Rendered calendars kept per process: a bounded range and the open one per ruleset suffice.
RENDERED_KEPT = 32
EPOCH = date(1970, 1, 1)  # day 0 of ``day_number``

# Ordinality counts from 1: the first row is day ``cal_first``. A due day ``off`` days after
# day ``n`` ends when day ``n + off + 1`` begins in China.
_POSTGRESQL = """
SELECT CAST(:cal_first AS INTEGER) + CAST(c.i AS INTEGER) - 1 AS day, {ends}
FROM unnest({arrays}) WITH ORDINALITY AS c({names}, i)
"""
_POSTGRESQL_ENDS = (
    "to_timestamp((CAST(:cal_first AS BIGINT) + c.i + c.{name}) * {day} - {offset}) AS {name}_ends"
)

# ``key`` counts from 0. SQLite keeps instants as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'; a
# NULL offset makes the whole expression NULL: unknown.
_SQLITE = """
SELECT :cal_first + c.key AS day, {ends}
FROM json_each(:cal_rows) AS c
"""
_SQLITE_ENDS = (
    "datetime((:cal_first + c.key + 1 + json_extract(c.value, '$[{index}]')) * {day}"
    " - {offset}, 'unixepoch') || '.000000' AS {name}_ends"
)


def _columns() -> dict[str, TypeEngine[Any]]:
    return {"day": Integer(), **{f"{name}_ends": UTCDateTime() for name in DEADLINES}}


@lru_cache(maxsize=RENDERED_KEPT)
def _postgresql_arrays(calendar: DueCalendar) -> tuple[str, ...]:
    return tuple(
        "{" + ",".join("NULL" if v is None else str(v) for v in getattr(calendar, name)) + "}"
        for name in DEADLINES
    )


@lru_cache(maxsize=RENDERED_KEPT)
def _sqlite_rows(calendar: DueCalendar) -> str:
    columns = [getattr(calendar, name) for name in DEADLINES]
    return json.dumps([list(row) for row in zip(*columns, strict=True)], separators=(",", ":"))


def calendar_rows(calendar: DueCalendar, dialect: str) -> Subquery:
    """(day, <deadline>_ends…) for every day of ``calendar``, ``day`` as ``day_number`` counts
    it; no rows when the calendar is empty, so every deadline reads as unknown."""
    if calendar.first is None:
        return no_rows(**_columns()).subquery("cal")
    first = bindparam("cal_first", (calendar.first - EPOCH).days, type_=Integer())
    constants = {"day": SECONDS_PER_DAY, "offset": CHINA_OFFSET_SECONDS}
    if dialect == "postgresql":
        sql = _POSTGRESQL.format(
            ends=", ".join(_POSTGRESQL_ENDS.format(name=n, **constants) for n in DEADLINES),
            arrays=", ".join(f"CAST(:cal_{name} AS INTEGER[])" for name in DEADLINES),
            names=", ".join(DEADLINES),
        )
        values = _postgresql_arrays(calendar)
        binds = [
            bindparam(f"cal_{name}", value, type_=String())
            for name, value in zip(DEADLINES, values, strict=True)
        ]
    else:
        sql = _SQLITE.format(
            ends=", ".join(
                _SQLITE_ENDS.format(index=i, name=n, **constants) for i, n in enumerate(DEADLINES)
            )
        )
        binds = [bindparam("cal_rows", _sqlite_rows(calendar), type_=String())]
    return text(sql).bindparams(first, *binds).columns(**_columns()).subquery("cal")
