"""Working-day deadlines in SQL: the calendar CTE, the due-day join, and the outcome counts.

The calendar is a VALUES list built in Python from the holiday calendar, bounded to the
filtered span: (day, wd, workday, ends). ``wd`` counts working days on or before ``day``, so
the due day of "within N working days after day d" is the working day whose ``wd`` is
``wd(d) + N``; ``ends`` is the instant that day ends in China, so "done by the due day" is
one comparison of instants, with no time-zone arithmetic per row.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Integer,
    SQLColumnExpression,
    column,
    literal,
    values,
)
from sqlalchemy.sql.selectable import NamedFromClause
from sqlalchemy.types import TypeEngine

from store.base import UTCDateTime
from store.repositories.stats.spec import CalendarDay, Outcome
from store.repositories.stats.sql import count_if, no_rows, number

CHINA = timezone(timedelta(hours=8))  # China has kept no summer time since 1991


def day_start(day: date) -> datetime:
    """The instant a calendar day begins in China, in UTC."""
    return datetime.combine(day, time(0), tzinfo=CHINA).astimezone(UTC)


def calendar_cte(days: tuple[CalendarDay, ...]) -> CTE:
    """The calendar rows; with no covered day at all the CTE is empty, so every deadline
    is unknown. Two bound values per day (the day and its end; the counts are literals), so
    even every year the holiday calendar covers stays far inside the drivers' 32,767."""
    columns: dict[str, TypeEngine[Any]] = {
        "day": Date(),
        "wd": Integer(),
        "workday": Integer(),
        "ends": UTCDateTime(),
    }
    if not days:
        return no_rows("cal", **columns)
    rows = [
        (d.day, number(d.index), number(d.workday), day_start(d.day + timedelta(days=1)))
        for d in days
    ]
    return values(*(column(n, t) for n, t in columns.items()), name="cal").data(rows).cte("cal")


def due_on(
    due: NamedFromClause, start: NamedFromClause, working_days: SQLColumnExpression[int]
) -> ColumnElement[bool]:
    """Join condition: ``due`` is the N-th working day after the calendar row ``start``."""
    return (due.c.workday == number(1)) & (due.c.wd == start.c.wd + working_days)


def outcome_counts(
    prefix: str,
    due_day: SQLColumnExpression[Any],
    due_ends: SQLColumnExpression[Any],
    done_at: SQLColumnExpression[Any],
    as_of: date,
    among: ColumnElement[bool] | None = None,
) -> dict[str, ColumnElement[int]]:
    """``prefix_<outcome>`` counts (see ``Outcome``) of the rows (``among`` them, if given).
    A missing due day means the calendar does not cover it: unknown, never a weekday guess.
    The five conditions exclude each other and cover every row."""
    today = literal(as_of, Date)
    conditions = {
        Outcome.ON_TIME: done_at < due_ends,
        Outcome.LATE: done_at >= due_ends,
        Outcome.OVERDUE: done_at.is_(None) & (due_day < today),
        Outcome.PENDING: done_at.is_(None) & (due_day >= today),
        Outcome.UNKNOWN: due_day.is_(None),
    }
    return {
        f"{prefix}_{o.value}": count_if(c if among is None else among & c)
        for o, c in conditions.items()
    }
