"""The working-day calendar the stats CTE is built from (chinese_calendar, never a weekday
rule), and its agreement with the plain statement of the rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.working_days import (
    add_working_days,
    calendar_days,
    china_day,
    coverage,
    is_workday,
)


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


def test_calendar_rows_index_working_days() -> None:
    rows = calendar_days(date(2024, 2, 8), date(2024, 2, 9), extend_by=5)
    assert rows[0].day == date(2024, 2, 8) and rows[-1].day == date(2024, 2, 22)
    by_day = {r.day: r for r in rows}
    # Due day of N working days after d: the working day whose index is index(d) + N.
    for start in (date(2024, 2, 8), date(2024, 2, 9)):
        due = [r.day for r in rows if r.workday and r.index == by_day[start].index + 5]
        assert due == [add_working_days(start, 5)]
    assert [r.index for r in rows[:4]] == [1, 2, 2, 2]  # Thu, Fri, then the holiday


def test_calendar_rows_agree_with_the_rule_over_a_year() -> None:
    rows = calendar_days(date(2024, 1, 1), date(2024, 12, 31), extend_by=10)
    workdays = {r.index: r.day for r in rows if r.workday}
    for r in rows:
        if r.day.year == 2024:
            assert workdays[r.index + 10] == add_working_days(r.day, 10)


def test_calendar_stays_inside_the_covered_years() -> None:
    last = coverage().last
    rows = calendar_days(last - timedelta(days=3), last + timedelta(days=30), extend_by=10)
    assert rows[-1].day == last
    assert calendar_days(date(last.year + 1, 1, 1), date(last.year + 1, 2, 1), extend_by=5) == ()


def test_days_are_read_in_china() -> None:
    assert china_day(datetime(2024, 2, 8, 17, 0, tzinfo=UTC)) == date(2024, 2, 9)
    assert china_day(datetime(2024, 2, 8, 15, 59, tzinfo=UTC)) == date(2024, 2, 8)
