"""Chinese working days from the maintained holiday calendar (``chinese_calendar``).

Weekends and official holidays are not working days; the official make-up days (调休) are.
The package knows only the years the State Council has announced: a day outside them is
*unknown*, never guessed from the weekday (DESIGN.md, "Rules as data").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache, lru_cache

import chinese_calendar

from store.repositories.stats import NO_CALENDAR, DeadlineDays, DueCalendar

CHINA = timezone(timedelta(hours=8))  # China has kept no summer time since 1991
# Calendars kept per process: one per ruleset and range asked for (a dashboard asks few).
CALENDARS_KEPT = 64


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


@cache
def _covered_days() -> tuple[tuple[date, ...], tuple[bool, ...]]:
    """Every day the holiday calendar covers, and whether each is a working day."""
    span = coverage()
    days = tuple(span.first + timedelta(days=i) for i in range((span.last - span.first).days + 1))
    return days, tuple(bool(is_workday(day)) for day in days)


@cache
def _workdays_through() -> tuple[int, ...]:
    """For each covered day, how many covered working days fall on or before it."""
    counts: list[int] = []
    count = 0
    for works in _covered_days()[1]:
        count += works
        counts.append(count)
    return tuple(counts)


def working_days_between(start: date, end: date) -> int | None:
    """Working days after ``start`` up to and including ``end`` (0 when the same day; below
    0, as many as lie after ``end`` up to ``start``, when ``end`` comes first): a work
    queue's "working days left" (issue 9). ``None`` when either day lies outside the
    holiday calendar, never a weekday guess."""
    span = coverage()
    if not (span.first <= start <= span.last and span.first <= end <= span.last):
        return None
    counts = _workdays_through()
    return counts[(end - span.first).days] - counts[(start - span.first).days]


@cache
def _due_offsets(working_days: int) -> tuple[int | None, ...]:
    """For each covered day, how many calendar days after it its ``working_days``-th working
    day falls; ``None`` when that day lies past the calendar."""
    days, workday = _covered_days()
    workdays = [day for day, works in zip(days, workday, strict=True) if works]
    offsets: list[int | None] = []
    count = 0  # working days on or before the day
    for day, works in zip(days, workday, strict=True):
        count += works
        # The due day is the working day numbered count + N (1-based), strictly after ``day``.
        due = count + working_days
        offsets.append((workdays[due - 1] - day).days if due <= len(workdays) else None)
    return tuple(offsets)


@lru_cache(maxsize=CALENDARS_KEPT)
def due_calendar(deadlines: DeadlineDays, first: date | None, last: date | None) -> DueCalendar:
    """The due days of every deadline for events on the days [first, last] (``None``: open
    on that side), clipped to the covered years; empty when the span lies outside them.
    Cached, so a repeated range hands the statement the same calendar object (its rendered
    form is cached per object in the store)."""
    span = coverage()
    clipped = span.clip(first or span.first, last or span.last)
    if clipped is None:
        return NO_CALENDAR
    i, j = (clipped[0] - span.first).days, (clipped[1] - span.first).days + 1
    return DueCalendar(
        first=clipped[0],
        followup=_due_offsets(deadlines.followup)[i:j],
        archive=_due_offsets(deadlines.archive)[i:j],
        complaint=_due_offsets(deadlines.complaint)[i:j],
        complaint_verified=_due_offsets(deadlines.complaint_verified)[i:j],
    )


def add_working_days(day: date, n: int) -> date | None:
    """The ``n``-th working day after ``day`` (n >= 1), ``None`` when the calendar cannot say.
    The SQL reads the same from ``due_calendar``; this is the plain-Python statement of
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
