"""The working-day calendar the stats statement binds (chinese_calendar, never a weekday
rule), and its agreement with the plain statement of the rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.working_days import (
    add_working_days,
    china_day,
    coverage,
    due_calendar,
    is_workday,
    working_days_between,
)
from store.repositories.stats import DeadlineDays, DueCalendar


def test_holidays_and_make_up_days() -> None:
    assert is_workday(date(2024, 2, 12)) is False  # a Monday in the Spring Festival
    assert is_workday(date(2024, 2, 18)) is True  # a Sunday, make-up day (调休)
    assert is_workday(date(2024, 10, 12)) is True  # a Saturday after National Day
    assert is_workday(date(coverage().last.year + 1, 3, 1)) is None  # not announced yet


def test_add_working_days_across_holidays() -> None:
    assert add_working_days(date(2024, 2, 8), 5) == date(2024, 2, 21)
    assert add_working_days(date(2024, 9, 30), 5) == date(2024, 10, 12)
    assert add_working_days(date(2024, 9, 30), 10) == date(2024, 10, 18)
    assert add_working_days(date(2024, 2, 10), 1) == date(2024, 2, 18)  # from a holiday
    last = coverage().last
    assert add_working_days(last, 1) is None  # the due day lies past the calendar


RULES = DeadlineDays(followup=5, archive=10, complaint=5, complaint_verified=10)


def _due(calendar: DueCalendar, offsets: tuple[int | None, ...], day: date) -> date | None:
    assert calendar.first is not None
    offset = offsets[(day - calendar.first).days]
    return None if offset is None else day + timedelta(days=offset)


def test_due_days_across_the_spring_festival() -> None:
    calendar = due_calendar(RULES, date(2024, 2, 8), date(2024, 2, 9))
    assert calendar.first == date(2024, 2, 8) and calendar.length == 2
    # Thu 8 Feb: Fri 9, then the holiday 10–17, make-up Sun 18, Mon 19 … Wed 21 is the 5th.
    assert _due(calendar, calendar.followup, date(2024, 2, 8)) == date(2024, 2, 21)
    assert _due(calendar, calendar.complaint, date(2024, 2, 9)) == date(2024, 2, 22)


def test_due_days_agree_with_the_rule_over_a_year() -> None:
    calendar = due_calendar(RULES, date(2024, 1, 1), date(2024, 12, 31))
    assert calendar.length == 366
    for i in range(calendar.length):
        day = date(2024, 1, 1) + timedelta(days=i)
        assert _due(calendar, calendar.followup, day) == add_working_days(day, 5)
        assert _due(calendar, calendar.archive, day) == add_working_days(day, 10)
        assert _due(calendar, calendar.complaint_verified, day) == add_working_days(day, 10)


def test_an_open_range_covers_every_known_day() -> None:
    calendar = due_calendar(RULES, None, None)
    span = coverage()
    assert calendar.first == span.first
    assert calendar.length == (span.last - span.first).days + 1
    assert due_calendar(RULES, None, None) is calendar  # the same object: rendered once


def test_calendar_stays_inside_the_covered_years() -> None:
    last = coverage().last
    calendar = due_calendar(RULES, last - timedelta(days=3), last + timedelta(days=30))
    assert calendar.length == 4  # clipped to the last covered day
    # Past the calendar the due day is unknown, never a weekday guess.
    assert calendar.followup[-1] is None and calendar.archive[-1] is None
    assert due_calendar(RULES, date(last.year + 1, 1, 1), date(last.year + 1, 2, 1)).first is None


def test_days_are_read_in_china() -> None:
    assert china_day(datetime(2024, 2, 8, 17, 0, tzinfo=UTC)) == date(2024, 2, 9)
    assert china_day(datetime(2024, 2, 8, 15, 59, tzinfo=UTC)) == date(2024, 2, 8)


def test_working_days_between_counts_the_calendar() -> None:
    day = date(2024, 2, 8)  # before the Spring Festival week
    for n in range(1, 12):
        due = add_working_days(day, n)
        assert due is not None
        assert working_days_between(day, due) == n
        assert working_days_between(due, day) == -n  # overdue by as many
    assert working_days_between(day, day) == 0
    # A holiday is no working day: from Sat 10 Feb to Sat 17 Feb 2024, none.
    assert working_days_between(date(2024, 2, 10), date(2024, 2, 17)) == 0
    assert working_days_between(date(2024, 2, 17), date(2024, 2, 18)) == 1  # make-up Sunday
    assert working_days_between(day, date(coverage().last.year + 1, 1, 2)) is None
