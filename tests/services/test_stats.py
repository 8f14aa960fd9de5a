"""Dashboard aggregates (services.stats) on a small hand-built data set: exact figures per
group for every measure, the working-day calendar around holidays, region roll-up."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import ColumnElement, event, inspect, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.resources import Action
from policies.scope import Scope
from services.errors import InputError
from services.identity import Identity, RoleGrant
from services.stats import StatsFilterInput, StatsInput, compute_stats, rules_in_force
from services.stats_report import Deadline, StatsGroup, StatsReport
from services.working_days import coverage
from store.enums import ConfirmationDecision, RegionLevel, Role, ServiceCategory
from store.models.service_record import ServiceRecord
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.stats import Dimension
from store.repositories.stats.repository import CUSTOM_PLANS
from tests.factories.follow_up import create_follow_up
from tests.factories.insurance_policy import create_policy
from tests.factories.insured_unit import create_insured_unit
from tests.factories.insurer import create_insurer
from tests.factories.stats_world import StatsWorld, build_stats_world, china, completed
from tests.factories.unit_confirmation import create_confirmation

AS_OF = date(2025, 1, 3)  # S5 and C5 (30/31 Dec 2024) are not due yet on this day
YEAR_2024 = StatsFilterInput(date_from=date(2024, 1, 1), date_to=date(2025, 1, 1))
D = Dimension


@pytest.fixture
async def world(session: AsyncSession) -> StatsWorld:
    return await build_stats_world(session)


async def stats(
    session: AsyncSession,
    *group_by: Dimension,
    scope: RowScope = EVERYTHING,
    level: RegionLevel = RegionLevel.PROVINCE,
    **filters: Any,
) -> StatsReport:
    f = replace(YEAR_2024, **filters)
    data = StatsInput(group_by=group_by, filter=f, region_level=level)
    return await compute_stats(session, data, today=AS_OF, scope=scope)


def outcomes(d: Deadline) -> tuple[int, int, int, int, int]:
    """(on time, late, overdue, pending, unknown)."""
    return (d.on_time, d.late, d.overdue, d.pending, d.unknown)


def figures(g: StatsGroup) -> dict[str, Any]:
    s, a, c = g.satisfaction, g.archive, g.complaints
    return {
        "units": g.units_covered,
        "services": g.services.delivered,
        "by_category": {k.value: n for k, n in g.services.by_category if n},
        "satisfaction": (s.responses, s.score_sum, tuple(n for _, n in s.distribution)),
        "follow_up": outcomes(g.follow_up),
        "organised": outcomes(a.organised),
        "decisions": (a.confirmed, a.disputed, a.unconfirmed),
        "complaints": (c.filed, c.answered, c.needing_verification),
        "answer": outcomes(c.answer),
        "verified_answer": outcomes(c.verified_answer),
        "fees": (g.fees.income, g.fees.expenditure),
        "hazards": (g.major_hazards.found, g.major_hazards.told),
    }


TOTAL_2024 = {
    "units": 4,  # U1, U2, U4 by 2024 policies, U3 by the policy running to mid-2024; not U5
    "services": 5,  # S1–S5 (S6 planned, S7 in 2023)
    "by_category": {
        "hazard_investigation": 2,
        "training": 1,
        "risk_assessment": 1,
        "emergency_plan": 1,
    },
    "satisfaction": (4, 14, (0, 1, 1, 1, 1)),  # 5, 4, 2, 3
    "follow_up": (2, 1, 1, 1, 0),  # S1 S2 on time, S3 late, S4 overdue, S5 pending
    "organised": (2, 1, 1, 1, 0),  # S1 S4 on time, S3 late, S2 overdue, S5 pending
    "decisions": (2, 1, 2),  # S1 S2 (disputed, then confirmed), S3 (the reverse), S4 S5
    "complaints": (5, 3, 2),
    "answer": (1, 1, 1, 0, 0),  # C1 on time, C3 late, C4 overdue
    "verified_answer": (1, 0, 0, 1, 0),  # C2 on time, C5 pending
    "fees": (Decimal("17499.75"), Decimal("5100.60")),  # adjustments follow what they correct
    "hazards": (3, 2),  # H1 H2 told, H3 not; the minor one is not counted
}


async def test_every_measure_of_2024_ungrouped(session: AsyncSession, world: StatsWorld) -> None:
    report = await stats(session)
    assert report.group_by == () and report.as_of == AS_OF
    assert report.rules_version == "AQ9010-draft"
    (total,) = report.groups
    assert (total.region, total.industry, total.insurer, total.year, total.category) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert figures(total) == TOTAL_2024


async def test_a_kept_statement_answers_for_each_day(
    session: AsyncSession, world: StatsWorld
) -> None:
    """The as-of day is bound at execution (the built statement is kept per process): S5,
    pending on 3 Jan 2025, is overdue by June."""
    (before,) = (await stats(session)).groups
    data = StatsInput(filter=YEAR_2024)
    (after,) = (await compute_stats(session, data, today=date(2025, 6, 2))).groups
    assert outcomes(before.follow_up) == (2, 1, 1, 1, 0)
    assert outcomes(after.follow_up) == (2, 1, 2, 0, 0)
    assert outcomes(after.complaints.verified_answer) == (1, 0, 1, 0, 0)  # C5 too


async def test_rates_are_exact(session: AsyncSession, world: StatsWorld) -> None:
    (total,) = (await stats(session)).groups
    assert total.satisfaction.average == Decimal("3.5000")
    rate = total.follow_up.on_time_rate  # pending S5 is in neither term
    assert (rate.numerator, rate.denominator, rate.ratio) == (2, 4, Decimal("0.5000"))
    rate = total.archive.confirmed_rate
    assert (rate.numerator, rate.denominator, rate.ratio) == (2, 5, Decimal("0.4000"))
    rate = total.complaints.answered_rate
    assert (rate.numerator, rate.denominator, rate.ratio) == (3, 5, Decimal("0.6000"))
    rate = total.major_hazards.told_rate
    assert (rate.numerator, rate.denominator, rate.ratio) == (2, 3, Decimal("0.6667"))
    assert total.fees.balance == Decimal("12399.15")
    assert total.follow_up.rule == "R-6.3-followup" and total.follow_up.working_days == 5
    assert total.archive.organised.working_days == 10
    assert total.complaints.verified_answer.working_days == 10


async def test_grouped_by_insurer(session: AsyncSession, world: StatsWorld) -> None:
    report = await stats(session, D.INSURER)
    by_insurer = {g.insurer.key: g for g in report.groups if g.insurer}
    assert list(by_insurer) == sorted([world.a.id, world.b.id])
    assert by_insurer[world.a.id].insurer.name == "甲保险"  # type: ignore[union-attr]
    assert figures(by_insurer[world.a.id]) == {
        "units": 2,
        "services": 3,
        "by_category": {"hazard_investigation": 2, "training": 1},
        "satisfaction": (2, 9, (0, 0, 0, 1, 1)),
        "follow_up": (2, 0, 1, 0, 0),
        "organised": (2, 0, 1, 0, 0),
        "decisions": (2, 0, 1),
        "complaints": (2, 1, 0),
        "answer": (1, 0, 1, 0, 0),
        "verified_answer": (0, 0, 0, 0, 0),
        "fees": (Decimal("9499.75"), Decimal("3000.50")),
        "hazards": (3, 2),
    }
    assert figures(by_insurer[world.b.id]) == {
        "units": 2,
        "services": 2,
        "by_category": {"risk_assessment": 1, "emergency_plan": 1},
        "satisfaction": (2, 5, (0, 1, 1, 0, 0)),
        "follow_up": (0, 1, 0, 1, 0),
        "organised": (0, 1, 0, 1, 0),
        "decisions": (0, 1, 1),
        "complaints": (3, 2, 2),
        "answer": (0, 1, 0, 0, 0),
        "verified_answer": (1, 0, 0, 1, 0),
        "fees": (Decimal("8000.00"), Decimal("2100.10")),
        "hazards": (0, 0),
    }


async def test_grouped_by_category_with_a_null_group(
    session: AsyncSession, world: StatsWorld
) -> None:
    report = await stats(session, D.CATEGORY)
    rows = {g.category: figures(g) for g in report.groups}
    assert list(rows) == [  # ordered by code, the null group last
        ServiceCategory.EMERGENCY_PLAN,
        ServiceCategory.HAZARD_INVESTIGATION,
        ServiceCategory.RISK_ASSESSMENT,
        ServiceCategory.TRAINING,
        None,
    ]
    assert {k: (v["units"], v["services"]) for k, v in rows.items()} == {
        ServiceCategory.EMERGENCY_PLAN: (1, 1),
        ServiceCategory.HAZARD_INVESTIGATION: (2, 2),
        ServiceCategory.RISK_ASSESSMENT: (1, 1),
        ServiceCategory.TRAINING: (1, 1),
        None: (4, 0),  # policies cover U1–U4 and have no category
    }
    uncategorised = rows[None]
    assert uncategorised["complaints"] == (5, 3, 2)
    assert uncategorised["fees"] == TOTAL_2024["fees"]
    assert rows[ServiceCategory.HAZARD_INVESTIGATION]["hazards"] == (3, 2)
    assert rows[ServiceCategory.HAZARD_INVESTIGATION]["complaints"] == (0, 0, 0)


async def test_every_additive_measure_sums_over_any_grouping(
    session: AsyncSession, world: StatsWorld
) -> None:
    (total,) = (await stats(session)).groups
    report = await stats(session, D.REGION, D.INDUSTRY, D.INSURER, D.YEAR, D.CATEGORY)
    assert len(report.groups) > 5
    summed = {k: v for k, v in figures(total).items() if k != "units"}
    for key in summed:
        values = [figures(g)[key] for g in report.groups]
        assert _add(values) == summed[key], key


def _add(values: list[Any]) -> Any:
    first = values[0]
    if isinstance(first, dict):
        keys = {k for v in values for k in v}
        return {k: sum(v.get(k, 0) for v in values) for k in keys}
    if isinstance(first, tuple):
        return tuple(_add([v[i] for v in values]) for i in range(len(first)))
    return sum(values)


# --- working days ------------------------------------------------------------------------


async def _one_service(
    session: AsyncSession, done: datetime, visited: datetime | None
) -> StatsGroup:
    """One completed service (and its visit), stats over an open range."""
    insurer = await create_insurer(session)
    unit = await create_insured_unit(session)
    policy = await create_policy(session, insurer_id=insurer.id, unit_id=unit.id)
    record = await completed(session, policy, ServiceCategory.TRAINING, done)
    if visited is not None:
        await create_follow_up(session, record, visited_at=visited)
    (total,) = (await stats(session, date_from=None, date_to=None)).groups
    return total


@pytest.mark.parametrize(
    ("visited", "expected"),
    [
        # Completed Thu 8 Feb 2024. Working days after it: Fri 9, Sun 18 (调休 make-up day),
        # Mon 19, Tue 20, Wed 21 — the Spring Festival 10–17 Feb is off. A weekday rule
        # would have put the due day on Thu 15 Feb, inside the holiday.
        ((2024, 2, 21), (1, 0, 0, 0, 0)),
        ((2024, 2, 22), (0, 1, 0, 0, 0)),
    ],
)
async def test_followup_deadline_spans_the_spring_festival(
    session: AsyncSession, visited: tuple[int, int, int], expected: tuple[int, ...]
) -> None:
    total = await _one_service(session, china(2024, 2, 8), china(*visited))
    assert outcomes(total.follow_up) == expected


@pytest.mark.parametrize(
    ("visited", "expected"),
    [
        # Completed Mon 30 Sep 2024; National Day 1–7 Oct is off; Tue 8 … Fri 11 and the
        # make-up Saturday 12 Oct are working days 1–5; Sunday 29 Sep (make-up) lies before.
        ((2024, 10, 12), (1, 0, 0, 0, 0)),
        ((2024, 10, 13), (0, 1, 0, 0, 0)),
    ],
)
async def test_followup_deadline_spans_national_day_and_a_make_up_saturday(
    session: AsyncSession, visited: tuple[int, int, int], expected: tuple[int, ...]
) -> None:
    total = await _one_service(session, china(2024, 9, 30), china(*visited))
    assert outcomes(total.follow_up) == expected


async def test_days_are_days_in_china(session: AsyncSession) -> None:
    """Completed at 01:00 on Fri 9 Feb in China (17:00Z on the 8th): due Thu 22 Feb."""
    total = await _one_service(session, china(2024, 2, 9, 1), china(2024, 2, 22, 9))
    assert outcomes(total.follow_up) == (1, 0, 0, 0, 0)


@pytest.mark.parametrize(("hour", "expected"), [(23, (1, 0, 0, 0, 0)), (24, (0, 1, 0, 0, 0))])
async def test_the_due_day_ends_at_midnight_in_china(
    session: AsyncSession, hour: int, expected: tuple[int, ...]
) -> None:
    """Due Wed 21 Feb 2024: 23:00 that evening in China (15:00Z) is on time, midnight late."""
    visited = china(2024, 2, 21, 0) + timedelta(hours=hour)
    total = await _one_service(session, china(2024, 2, 8), visited)
    assert outcomes(total.follow_up) == expected


async def test_days_the_calendar_does_not_cover_are_unknown(session: AsyncSession) -> None:
    last = coverage().last.year
    # Completed in a year not yet announced: no due day, whatever the weekday.
    uncovered = await _one_service(session, china(last + 1, 3, 1), china(last + 1, 3, 2))
    assert outcomes(uncovered.follow_up) == (0, 0, 0, 0, 1)
    assert outcomes(uncovered.archive.organised) == (0, 0, 0, 0, 1)


async def test_a_due_day_past_the_calendar_is_unknown(session: AsyncSession) -> None:
    last = coverage().last.year  # at most three working days remain after 28 Dec
    total = await _one_service(session, china(last, 12, 28), None)
    assert outcomes(total.follow_up) == (0, 0, 0, 0, 1)


async def test_every_covered_year_fits_in_one_statement(session: AsyncSession) -> None:
    """Events at both ends of the holiday calendar: its every day goes into the CTE."""
    first, last = coverage().first, coverage().last
    await _one_service(session, china(first.year, 1, 5), china(first.year, 1, 6))
    both = await _one_service(session, china(last.year, 6, 1), china(last.year, 6, 2))
    assert both.services.delivered == 2
    assert outcomes(both.follow_up) == (2, 0, 0, 0, 0)


# --- regions -----------------------------------------------------------------------------


def _regions(report: StatsReport) -> list[tuple[str, RegionLevel | None, int, int]]:
    return [
        (g.region.code, g.region.level, g.units_covered, g.services.delivered)
        for g in report.groups
        if g.region is not None
    ]


async def test_region_roll_up_to_province(session: AsyncSession, world: StatsWorld) -> None:
    report = await stats(session, D.REGION)
    assert _regions(report) == [
        ("410000", RegionLevel.PROVINCE, 2, 2),  # U2 (410102), U3 (419001)
        ("440000", RegionLevel.PROVINCE, 2, 3),  # U1 (440305), U4 (440300)
    ]
    assert report.groups[0].region.name == "河南省"  # type: ignore[union-attr]


async def test_region_roll_up_to_city(session: AsyncSession, world: StatsWorld) -> None:
    report = await stats(session, D.REGION, level=RegionLevel.CITY)
    assert _regions(report) == [
        # 419001 济源市 has no city above it: it groups under its nearest ancestor at or
        # above city level, the province.
        ("410000", RegionLevel.PROVINCE, 1, 1),
        ("410100", RegionLevel.CITY, 1, 1),
        ("440300", RegionLevel.CITY, 2, 3),  # U1 from its county, U4 registered at the city
    ]


async def test_region_roll_up_to_county(session: AsyncSession, world: StatsWorld) -> None:
    report = await stats(session, D.REGION, level=RegionLevel.COUNTY)
    assert _regions(report) == [
        ("410102", RegionLevel.COUNTY, 1, 1),
        ("419001", RegionLevel.COUNTY, 1, 1),
        ("440300", RegionLevel.CITY, 1, 1),  # U4 is registered at the city itself
        ("440305", RegionLevel.COUNTY, 1, 2),
    ]


@pytest.mark.parametrize(
    ("region", "units", "services", "complaints"),
    [
        ("410000", 2, 2, 3),  # the province includes 410102 under 410100 and 419001
        ("410100", 1, 1, 2),
        ("419001", 1, 1, 1),
        ("440000", 2, 3, 2),
        ("440300", 2, 3, 2),  # the city itself and 440305 below it
        ("440305", 1, 2, 1),
        ("110000", 0, 0, 0),  # unknown here: nothing, not an error
    ],
)
async def test_filter_by_jurisdiction_includes_everything_below(
    session: AsyncSession,
    world: StatsWorld,
    region: str,
    units: int,
    services: int,
    complaints: int,
) -> None:
    (total,) = (await stats(session, region=region)).groups
    assert (total.units_covered, total.services.delivered, total.complaints.filed) == (
        units,
        services,
        complaints,
    )


# --- other filters and years -------------------------------------------------------------


async def test_unit_filters(session: AsyncSession, world: StatsWorld) -> None:
    async def units(**filters: Any) -> int:
        (total,) = (await stats(session, **filters)).groups
        return total.units_covered

    assert await units(industries=["C26"]) == 2  # U1, U4
    assert await units(high_risk_only=True) == 3  # U1, U3 (construction), U4
    assert await units(above_designated_size=True) == 2  # U1, U3 (U5 not in 2024)
    assert await units(above_designated_size=False) == 2  # U2, U4
    assert await units(insurer_ids=[world.b.id]) == 2


async def test_category_filter_drops_rows_without_a_category(
    session: AsyncSession, world: StatsWorld
) -> None:
    (total,) = (await stats(session, categories=["hazard_investigation"])).groups
    f = figures(total)
    assert (f["units"], f["services"], f["satisfaction"][0], f["hazards"]) == (2, 2, 1, (3, 2))
    assert f["complaints"] == (0, 0, 0)
    assert f["fees"] == (Decimal("0.00"), Decimal("0.00"))
    # U1 has a service of each category: still one unit.
    (total,) = (await stats(session, categories=["hazard_investigation", "training"])).groups
    assert (total.units_covered, total.services.delivered) == (2, 3)


async def test_years_of_each_event_with_an_open_range(
    session: AsyncSession, world: StatsWorld
) -> None:
    report = await stats(session, D.YEAR, date_from=None, date_to=None)
    years = {g.year: figures(g) for g in report.groups}
    assert list(years) == [2022, 2023, 2024]
    # A policy counts in every year it overlaps: P3 (Jul 2023 – Jun 2024) in 2023 and 2024.
    assert {y: f["units"] for y, f in years.items()} == {2022: 1, 2023: 1, 2024: 4}
    assert years[2023]["services"] == 1 and years[2023]["satisfaction"][:2] == (1, 1)
    assert years[2023]["fees"] == (Decimal("5000.00"), Decimal("0.00"))
    assert years[2023]["follow_up"] == (1, 0, 0, 0, 0)
    assert years[2024] == TOTAL_2024


async def test_years_inside_a_range_are_clipped(session: AsyncSession, world: StatsWorld) -> None:
    report = await stats(session, D.YEAR, date_from=date(2024, 6, 1), date_to=date(2024, 7, 1))
    assert [(g.year, g.units_covered) for g in report.groups] == [(2024, 4)]


# --- months (issue 7: the dashboard's monthly trend in one statement) --------------------


def _month_span(key: int) -> tuple[date, date]:
    year, month = divmod(key, 100)
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


async def test_each_month_is_what_that_month_alone_answers(
    session: AsyncSession, world: StatsWorld
) -> None:
    """The oracle is the ungrouped answer over that month's range, month by month: every
    measure, unitsCovered included (a policy counts in each month it overlaps)."""
    report = await stats(session, D.MONTH)
    keys = [g.month for g in report.groups]
    assert keys == [202400 + m for m in range(1, 13)]  # ordered, every month of 2024
    busy = 0
    for g in report.groups:
        assert g.month is not None
        start, end = _month_span(g.month)
        (alone,) = (await stats(session, date_from=start, date_to=end)).groups
        assert figures(g) == figures(alone), g.month
        busy += g.services.delivered > 0
    assert busy >= 3  # several months have services: not one month holding everything


async def test_months_add_up_to_the_year(session: AsyncSession, world: StatsWorld) -> None:
    report = await stats(session, D.MONTH)
    summed = {k: v for k, v in TOTAL_2024.items() if k != "units"}
    for key in summed:
        assert _add([figures(g)[key] for g in report.groups]) == summed[key], key


async def test_months_with_years_and_an_open_range(
    session: AsyncSession, world: StatsWorld
) -> None:
    report = await stats(session, D.YEAR, D.MONTH, date_from=None, date_to=None)
    assert all(g.month is not None and g.year == g.month // 100 for g in report.groups)
    years = {g.year: figures(g) for g in (await stats(session, D.YEAR, date_from=None)).groups}
    for year, expected in years.items():
        months = [figures(g) for g in report.groups if g.year == year]
        for key in ("services", "complaints", "fees", "hazards", "follow_up"):
            assert _add([m[key] for m in months]) == expected[key], (year, key)


async def test_months_inside_a_range_are_clipped(session: AsyncSession, world: StatsWorld) -> None:
    report = await stats(session, D.MONTH, date_from=date(2024, 6, 15), date_to=date(2024, 7, 10))
    assert [g.month for g in report.groups] == [202406, 202407]


# --- statements and scope ----------------------------------------------------------------


@contextmanager
def statements(connection: Any) -> Iterator[list[str]]:
    """Every statement the test's connection executes inside the block, but the plan setting
    PostgreSQL gets first (store/repositories/stats/repository.py)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement != CUSTOM_PLANS:
            seen.append(statement)

    sync = connection.sync_connection
    event.listen(sync, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(sync, "before_cursor_execute", record)


async def test_statements_do_not_grow_with_the_groups(
    session: AsyncSession, world: StatsWorld
) -> None:
    connection = await session.connection()
    counts = {}
    for group_by in [(), (D.INSURER,), (D.REGION, D.INDUSTRY, D.INSURER, D.YEAR, D.CATEGORY)]:
        with statements(connection) as seen:
            report = await stats(session, *group_by, level=RegionLevel.COUNTY)
        counts[len(report.groups)] = len(seen)
    assert len(counts) == 3 and set(counts.values()) == {1}  # 1, 2, and many groups
    with statements(connection) as seen:
        await stats(session, D.REGION, date_from=None)  # open range: the whole calendar
    assert len(seen) == 1
    with statements(connection) as seen:
        await stats(session, D.YEAR, date_from=None)  # policies' years: their span first
    assert len(seen) == 2
    with statements(connection) as seen:
        report = await stats(session, D.MONTH)  # a year's trend: one statement, not twelve
    assert len(seen) == 1 and len(report.groups) == 12
    with statements(connection) as seen:
        await stats(session, D.MONTH, date_from=None)  # policies' months: their span first
    assert len(seen) == 2


@dataclass
class RecordingScope:
    """Everything visible; remembers which tables it was asked about."""

    models: set[str] = field(default_factory=set)

    def where(self, entity: Any) -> ColumnElement[bool]:
        self.models.add(inspect(entity).mapper.class_.__name__)
        return true()


async def test_every_table_read_gets_the_scope(session: AsyncSession, world: StatsWorld) -> None:
    scope = RecordingScope()
    everything = (D.REGION, D.INDUSTRY, D.INSURER, D.YEAR, D.CATEGORY)
    await stats(session, *everything, scope=scope, region="440000", high_risk_only=True)
    assert scope.models == {
        "InsuredUnit",
        "Industry",
        "Region",
        "RegionAncestor",
        "Insurer",
        "InsurancePolicy",
        "ServiceRecord",
        "FollowUp",
        "UnitConfirmation",
        "Complaint",
        "FeeLedgerEntry",
        "Hazard",
    }


@dataclass
class WithoutInsurer:
    """A scope hiding one insurer's rows, as an insurer's own scope would hide the others'."""

    insurer_id: int

    def where(self, entity: Any) -> ColumnElement[bool]:
        model = inspect(entity).mapper.class_.__name__
        if model == "Insurer":
            return entity.id != self.insurer_id  # type: ignore[no-any-return]
        if hasattr(entity, "insurer_id"):
            return entity.insurer_id != self.insurer_id  # type: ignore[no-any-return]
        return true()


async def test_a_narrower_scope_trims_the_aggregates_in_sql(
    session: AsyncSession, world: StatsWorld
) -> None:
    by_insurer = {
        g.insurer.key: figures(g) for g in (await stats(session, D.INSURER)).groups if g.insurer
    }
    (trimmed,) = (await stats(session, scope=WithoutInsurer(world.b.id))).groups
    assert figures(trimmed) == by_insurer[world.a.id]


def _regulator(region: str) -> RowScope:
    identity = Identity(
        name="regulator", display_name="监管", grants=(RoleGrant(Role.REGULATOR, region),)
    )
    return Scope(identity, Decisions(default_rules()).decide).for_action(Action.AGGREGATE)


async def test_a_decision_counts_where_its_own_unit_is_visible(
    session: AsyncSession, world: StatsWorld
) -> None:
    """A record's decisions come from its unit; one recorded by another unit (inconsistent,
    but not impossible in the tables) counts where that unit is visible, not where the
    record is (the shortcut of ``implied.same_unit`` keeps the test for it)."""
    s1, s2 = (
        await session.execute(
            select(ServiceRecord)
            .where(ServiceRecord.unit_id == world.u1.id, ServiceRecord.completed_at.is_not(None))
            .order_by(ServiceRecord.completed_at)
        )
    ).scalars()
    disputed = ConfirmationDecision.DISPUTED
    # By 410102 (Henan) on a Guangdong record, after its confirmation.
    await create_confirmation(
        session, s1, unit_id=world.u2.id, decision=disputed, decided_at=china(2024, 3, 2)
    )
    # By 440300 (Guangdong, another unit) on a Guangdong record, after its confirmation.
    await create_confirmation(
        session, s2, unit_id=world.u4.id, decision=disputed, decided_at=china(2024, 10, 20)
    )
    (gd,) = (await stats(session, scope=_regulator("440000"))).groups
    (everything,) = (await stats(session, region="440000")).groups
    # Guangdong's 2024 records: S1, S2 (U1), S5 (U4, undecided).
    assert figures(gd)["decisions"] == (1, 1, 1)  # S1 confirmed, S2 now disputed
    assert figures(everything)["decisions"] == (0, 2, 1)  # both disputed


# --- arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "field_name"),
    [
        (StatsInput(group_by=[D.REGION, D.YEAR, D.REGION]), "DUPLICATE_DIMENSION", "groupBy[2]"),
        (StatsInput(group_by=["week"]), "INVALID_ENUM", "groupBy[0]"),
        (StatsInput(region_level="town"), "INVALID_ENUM", "regionLevel"),
        (
            StatsInput(
                filter=StatsFilterInput(date_from=date(2024, 2, 1), date_to=date(2024, 2, 1))
            ),
            "DATE_ORDER",
            "filter.to",
        ),
        (
            StatsInput(
                filter=StatsFilterInput(date_from=date(2024, 2, 1), date_to=date(2024, 1, 1))
            ),
            "DATE_ORDER",
            "filter.to",
        ),
        (StatsInput(filter=StatsFilterInput(region="4403")), "REGION_CODE_FORMAT", "filter.region"),
        (
            StatsInput(filter=StatsFilterInput(categories=["audit"])),
            "INVALID_ENUM",
            "filter.categories[0]",
        ),
        (
            StatsInput(filter=StatsFilterInput(insurer_ids=[0])),
            "OUT_OF_RANGE",
            "filter.insurers[0]",
        ),
        (
            StatsInput(filter=StatsFilterInput(industries=["C" * 9])),
            "TOO_LONG",
            "filter.industries[0]",
        ),
        (
            StatsInput(filter=StatsFilterInput(insurer_ids=list(range(1, 102)))),
            "TOO_MANY",
            "filter.insurers",
        ),
    ],
)
async def test_arguments_are_checked(
    session: AsyncSession, data: StatsInput, code: str, field_name: str
) -> None:
    with pytest.raises(InputError) as raised:
        await compute_stats(session, data, today=AS_OF)
    assert [(e.code, e.field) for e in raised.value.errors] == [(code, field_name)]


async def test_no_grouping_and_no_data_is_one_empty_group(session: AsyncSession) -> None:
    (total,) = (await stats(session)).groups
    assert figures(total)["services"] == 0 and total.follow_up.on_time_rate.ratio is None


def test_the_rules_come_from_the_ruleset_in_force() -> None:
    """ANZEXIAN_RULESET pins a ruleset; empty takes the one in force on the day."""
    draft = rules_in_force("AQ9010-draft", date(2024, 10, 1))
    published = rules_in_force("", date(2024, 10, 1))

    assert (draft.version, draft.complaint.working_days) == ("AQ9010-draft", 5)
    assert draft.complaint_verified.working_days == 10
    assert (published.version, published.complaint.working_days) == ("AQ9010-2019", 10)
    assert published.complaint_verified.working_days == 30
    assert published.complaint.rule == "R-6.4-complaint"


async def test_the_published_ruleset_measures_complaints_by_its_own_deadline(
    session: AsyncSession, world: StatsWorld
) -> None:
    """The complaint filed Mon 30 Sep 2024 and answered Mon 14 Oct: the 5th working day after
    the National Day week is Sat 12 Oct (a make-up working day), so late under the draft; the
    10th is Fri 18 Oct, so on time under the published text (R-6.4-complaint)."""
    data = StatsInput(group_by=(), filter=YEAR_2024, region_level=RegionLevel.PROVINCE)

    async def answers(pinned: str) -> tuple[str, tuple[int, int, int, int, int]]:
        rules = rules_in_force(pinned, AS_OF)
        report = await compute_stats(session, data, today=AS_OF, rules=rules)
        (group,) = report.groups
        return report.rules_version, outcomes(group.complaints.answer)

    draft_version, draft = await answers("AQ9010-draft")
    published_version, published = await answers("AQ9010-2019")

    assert (draft_version, published_version) == ("AQ9010-draft", "AQ9010-2019")
    on_time, late = draft[0], draft[1]
    assert published[:2] == (on_time + 1, late - 1)
    assert published[2:] == draft[2:]
