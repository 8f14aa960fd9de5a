"""The data set's fixed calendar: every date is relative to ``REFERENCE_DATE``, never to the
wall clock, and working days are looked up in tables built once (no per-row arithmetic)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache

import chinese_calendar

REFERENCE_DATE = date(2026, 6, 30)  # "today" for the demo and bench data
FIRST_DAY = date(2023, 1, 1)
LAST_DAY = date(2027, 12, 31)
BEIJING = timezone(timedelta(hours=8))
# Office hours in Beijing, 08:00–17:30 in half-hour slots; as UTC they stay on the same date
# (00:00–09:30Z), so a stamp's UTC date is also its local working-day date.
SLOTS = 20


def _is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # chinese-calendar knows only the years the State Council has announced.
        return day.weekday() < 5


class Calendar:
    """Day-indexed tables: day ``i`` is ``FIRST_DAY + i``."""

    def __init__(self) -> None:
        count = (LAST_DAY - FIRST_DAY).days + 1
        self.dates = [FIRST_DAY + timedelta(days=i) for i in range(count)]
        self.is_workday = [_is_workday(d) for d in self.dates]
        self.workdays = [i for i, w in enumerate(self.is_workday) if w]
        # _after[i]: position in ``workdays`` of the first working day strictly after day i.
        self._after: list[int] = []
        position = 0
        for i in range(count):
            while position < len(self.workdays) and self.workdays[position] <= i:
                position += 1
            self._after.append(position)
        self._stamps = [
            tuple(
                datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(minutes=30 * s)
                for s in range(SLOTS)
            )
            for d in self.dates
        ]
        self.reference = self.day(REFERENCE_DATE)

    def day(self, value: date) -> int:
        return (value - FIRST_DAY).days

    def stamp(self, day: int, slot: int) -> datetime:
        """An aware UTC timestamp in office hours (Beijing) on ``day``."""
        return self._stamps[day][slot]

    def add_workdays(self, day: int, n: int) -> int:
        """The ``n``-th working day after ``day`` (n >= 1), e.g. a deadline of n working days."""
        return self.workdays[self._after[day] + n - 1]

    def on_or_after_workday(self, day: int) -> int:
        return day if self.is_workday[day] else self.workdays[self._after[day]]

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when ``end`` is on or before ``start``."""
        a, b = self.day(start), self.day(end)
        # _after[i] is also the number of working days on or before day i.
        return max(0, self._after[b] - self._after[a])

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(BEIJING).date()


@cache
def calendar() -> Calendar:
    return Calendar()
