"""Chinese working days from the maintained holiday calendar (``chinese_calendar``).

Weekends and official holidays are not working days; the official make-up days (调休) are.
The package knows only the years the State Council has announced: a day outside them is
*unknown*, never guessed from the weekday (DESIGN.md, "Rules as data").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache

import chinese_calendar

from store.repositories.stats import CalendarDay

CHINA = timezone(timedelta(hours=8))  # China has kept no summer time since 1991


def china_day(moment: datetime) -> date:
    """The calendar day in China of an aware instant."""
    return moment.astimezone(CHINA).date()


def china_today() -> date:
    return datetime.now(UTC).astimezone(CHINA).date()


@dataclass(frozen=True, slots=True)
class Coverage:
    """The days the holiday calendar knows: whole years, [first, last]."""

    first: date
    last: date

    def clip(self, first: date, last: date) -> tuple[date, date] | None:
        start, end = max(first, self.first), min(last, self.last)
        return (start, end) if start <= end else None


@cache
def coverage() -> Coverage:
    """The years the installed ``chinese_calendar`` covers (it raises outside them)."""
    years = sorted({day.year for day in chinese_calendar.holidays})
    return Coverage(date(years[0], 1, 1), date(years[-1], 12, 31))


def is_workday(day: date) -> bool | None:
    """Whether ``day`` is a working day in China; ``None`` outside the calendar's years."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def calendar_days(first: date, last: date, *, extend_by: int) -> tuple[CalendarDay, ...]:
    """Calendar rows for [first, last] and on until ``extend_by`` working days after ``last``
    (so a deadline of that many working days from any day of the span has its due day), all
    clipped to the covered years. Empty when the span lies outside them."""
    span = coverage().clip(first, last)
    if span is None:
        return ()
    start, end = span
    rows: list[CalendarDay] = []
    index, after_end, day = 0, 0, start
    while day <= coverage().last and (day <= end or after_end < extend_by):
        workday = bool(is_workday(day))
        if workday:
            index += 1
            if day > end:
                after_end += 1
        rows.append(CalendarDay(day=day, index=index, workday=workday))
        day += timedelta(days=1)
    return tuple(rows)


def add_working_days(day: date, n: int) -> date | None:
    """The ``n``-th working day after ``day`` (n >= 1), ``None`` when the calendar cannot say.
    The SQL computes the same from ``calendar_days``; this is the plain-Python statement of
    the rule for tests and single records."""
    if is_workday(day) is None:
        return None
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        workday = is_workday(day)
        if workday is None:
            return None
        counted += workday
    return day
