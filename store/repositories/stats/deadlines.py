"""Working-day deadlines in SQL: where one item stands against its due day.

Each item joins the calendar (``calendar.py``) on the day of its event in China and takes the
instant its due day ends there; "done by the due day" is then one comparison of instants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, SQLColumnExpression, bindparam

from store.base import UTCDateTime
from store.repositories.stats.spec import Outcome
from store.repositories.stats.sql import count_if

CHINA = timezone(timedelta(hours=8))  # China has kept no summer time since 1991
# The instant the as-of day ("today") begins in China: the one value bound at execution, so
# a built statement serves every day (``cache.py``).
TODAY = "stats_today"


def day_start(day: date) -> datetime:
    """The instant a calendar day begins in China, in UTC."""
    return datetime.combine(day, time(0), tzinfo=CHINA).astimezone(UTC)


def today() -> BindParameter[datetime]:
    return bindparam(TODAY, type_=UTCDateTime())


def outcome_counts(
    prefix: str,
    due_ends: SQLColumnExpression[Any],
    done_at: SQLColumnExpression[Any],
    among: ColumnElement[bool] | None = None,
) -> dict[str, ColumnElement[int]]:
    """``prefix_<outcome>`` counts (see ``Outcome``) of the rows (``among`` them, if given).
    ``due_ends`` is the instant the due day ends; missing, the calendar does not cover the
    event or its due day: unknown, never a weekday guess. The due day lies before the as-of
    day exactly when it has ended by the time the as-of day begins (``TODAY``). The five
    conditions exclude each other and cover every row."""
    conditions = {
        Outcome.ON_TIME: done_at < due_ends,
        Outcome.LATE: done_at >= due_ends,
        Outcome.OVERDUE: done_at.is_(None) & (due_ends <= today()),
        Outcome.PENDING: done_at.is_(None) & (due_ends > today()),
        Outcome.UNKNOWN: due_ends.is_(None),
    }
    return {
        f"{prefix}_{o.value}": count_if(c if among is None else among & c)
        for o, c in conditions.items()
    }
