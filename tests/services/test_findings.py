"""Compliance findings (services.findings) on the stats data set (tests/factories/stats_world):
R-6.3-followup, R-6.3-archive and R-6.4-complaint across the 2024 Spring Festival and
National Day weeks (10–17 Feb off, Sun 18 Feb worked; 1–7 Oct off, Sat 12 Oct worked), both
rulesets, the unknown state past the holiday calendar, filters, pagination, one statement."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import InputError
from services.findings import (
    Finding,
    FindingFilterInput,
    FindingRule,
    FindingsPage,
    FindingState,
    cursor_of,
    findings,
)
from services.rulesets import Ruleset, ruleset
from services.working_days import coverage
from store.enums import ServiceCategory
from tests.factories.insurance_policy import create_policy
from tests.factories.stats_world import StatsWorld, build_stats_world, china, completed
from tests.resolvers.graph_helpers import counting

AS_OF = date(2025, 1, 3)
DRAFT, PUBLISHED = ruleset("AQ9010-draft"), ruleset("AQ9010-2019")
FROM, TO = date(2024, 1, 1), date(2025, 1, 1)
# The working-day rules; the other rules have their own tests (test_findings_rules.py).
DEADLINES = [FindingRule.FOLLOWUP, FindingRule.ARCHIVE, FindingRule.COMPLAINT]
YEAR_2024 = FindingFilterInput(date_from=FROM, date_to=TO, rules=DEADLINES)
MET, LATE, OVERDUE = FindingState.MET, FindingState.LATE, FindingState.OVERDUE
PENDING, DUE_SOON, UNKNOWN = FindingState.PENDING, FindingState.DUE_SOON, FindingState.UNKNOWN


async def _page(
    session: AsyncSession,
    data: FindingFilterInput = YEAR_2024,
    *,
    today: date = AS_OF,
    rules: Ruleset = DRAFT,
    first: int | None = 1000,
    after: str | None = None,
) -> FindingsPage:
    return await findings(session, data, rules=rules, today=today, first=first, after=after)


def _by_rule(page: FindingsPage, rule: str) -> list[Finding]:
    return [f for f in page.findings if f.rule == rule]


async def test_followups_across_the_holidays(session: AsyncSession) -> None:
    world: StatsWorld = await build_stats_world(session)
    page = await _page(
        session, FindingFilterInput(date_from=FROM, date_to=TO, rules=[FindingRule.FOLLOWUP])
    )
    assert page.ruleset_id == "AQ9010-draft" and not page.more
    got = [(f.row.unit_id, f.row.event_at.date(), f.due_on, f.state) for f in page.findings]
    assert got == [
        # S1: Thu 8 Feb; the Spring Festival is off, Sun 18 Feb worked: due Wed 21 Feb.
        (world.u1.id, date(2024, 2, 8), date(2024, 2, 21), MET),
        # S4: no visit at all.
        (world.u3.id, date(2024, 3, 1), date(2024, 3, 8), OVERDUE),
        # S2 and S3: Mon 30 Sep; National Day off, due the make-up Saturday 12 Oct.
        (world.u1.id, date(2024, 9, 30), date(2024, 10, 12), MET),
        (world.u2.id, date(2024, 9, 30), date(2024, 10, 12), LATE),  # first visit Mon 14 Oct
        (world.u4.id, date(2024, 12, 30), date(2025, 1, 7), PENDING),  # S5
    ]
    late = page.findings[3]
    assert late.rule == "R-6.3-followup" and late.working_days == 5
    assert late.row.done_at is not None and late.row.done_at.date() == date(2024, 10, 14)
    assert late.row.insurer_id == world.b.id


async def test_archive_organised_in_time(session: AsyncSession) -> None:
    await build_stats_world(session)
    page = await _page(
        session, FindingFilterInput(date_from=FROM, date_to=TO, rules=[FindingRule.ARCHIVE])
    )
    got = [(f.due_on, f.state) for f in _by_rule(page, "R-6.3-archive")]
    assert got == [
        (date(2024, 2, 28), MET),  # S1: organised on the 10th working day
        (date(2024, 3, 15), MET),  # S4
        (date(2024, 10, 18), OVERDUE),  # S2: never organised
        (date(2024, 10, 18), LATE),  # S3: organised Mon 21 Oct
        (date(2025, 1, 14), PENDING),  # S5
    ]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        # Draft: 5 working days, 10 with verification.
        (
            DRAFT,
            [
                (date(2024, 2, 21), MET, 5),
                (date(2024, 3, 11), OVERDUE, 5),
                (date(2024, 10, 18), MET, 10),  # needs verification
                (date(2024, 10, 12), LATE, 5),  # answered Mon 14 Oct
                (date(2025, 1, 15), PENDING, 10),
            ],
        ),
        # Published text: 10 working days, 30 with verification; the late one is now met.
        (
            PUBLISHED,
            [
                (date(2024, 2, 28), MET, 10),
                (date(2024, 3, 18), OVERDUE, 10),
                (date(2024, 11, 15), MET, 30),
                (date(2024, 10, 18), MET, 10),
                (date(2025, 2, 18), PENDING, 30),  # Spring Festival 2025: 28 Jan – 4 Feb off
            ],
        ),
    ],
)
async def test_complaint_answers_under_each_ruleset(
    session: AsyncSession, rules: Ruleset, expected: list[tuple[date | None, FindingState, int]]
) -> None:
    await build_stats_world(session)
    page = await _page(
        session,
        FindingFilterInput(date_from=FROM, date_to=TO, rules=[FindingRule.COMPLAINT]),
        rules=rules,
    )
    assert page.ruleset_id == rules.id
    got = [(f.due_on, f.state, f.working_days) for f in page.findings]
    assert got == expected  # in filing order
    assert {f.rule for f in page.findings} == {"R-6.4-complaint"}


async def test_due_soon_and_state_filter(session: AsyncSession) -> None:
    await build_stats_world(session)
    # On Mon 6 Jan 2025 the follow-up of S5 (due Tue 7 Jan) is due soon.
    page = await _page(
        session,
        FindingFilterInput(date_from=FROM, date_to=TO, rules=DEADLINES, states=[DUE_SOON]),
        today=date(2025, 1, 6),
    )
    assert [(f.rule, f.due_on) for f in page.findings] == [("R-6.3-followup", date(2025, 1, 7))]
    overdue = await _page(
        session, FindingFilterInput(date_from=FROM, date_to=TO, rules=DEADLINES, states=[OVERDUE])
    )
    assert [f.rule for f in overdue.findings] == [
        "R-6.3-followup",
        "R-6.4-complaint",
        "R-6.3-archive",
    ]


async def test_a_year_the_calendar_does_not_cover_is_unknown(session: AsyncSession) -> None:
    world = await build_stats_world(session)
    year = coverage().last.year + 1
    policy = await create_policy(session, insurer_id=world.a.id, unit_id=world.u1.id)
    await completed(session, policy, ServiceCategory.TRAINING, china(year, 3, 2))
    # The last covered day: the due day lies past the calendar, unknown too.
    await completed(session, policy, ServiceCategory.TRAINING, china(coverage().last.year, 12, 30))
    page = await _page(
        session,
        FindingFilterInput(date_from=date(year - 1, 12, 1), rules=[FindingRule.FOLLOWUP]),
        today=date(year, 3, 10),
    )
    assert [(f.state, f.due_on, f.due_at) for f in page.findings] == [(UNKNOWN, None, None)] * 2


async def test_filters_by_insurer_and_region(session: AsyncSession) -> None:
    world = await build_stats_world(session)
    mine = await _page(
        session,
        FindingFilterInput(date_from=FROM, date_to=TO, rules=DEADLINES, insurer_ids=[world.b.id]),
    )
    assert {f.row.insurer_id for f in mine.findings} == {world.b.id}
    assert len(mine.findings) == 2 * 2 + 3  # S3, S5 (two rules each), three complaints
    guangdong = await _page(
        session, FindingFilterInput(date_from=FROM, date_to=TO, rules=DEADLINES, region="440000")
    )
    assert {f.row.unit_id for f in guangdong.findings} == {world.u1.id, world.u4.id}
    henan = await _page(
        session, FindingFilterInput(date_from=FROM, date_to=TO, rules=DEADLINES, region="410000")
    )
    assert {f.row.unit_id for f in henan.findings} == {world.u2.id, world.u3.id}


async def test_pages_follow_each_other_one_statement_each(session: AsyncSession) -> None:
    await build_stats_world(session)
    whole = await _page(session)
    assert len(whole.findings) == 15
    seen: list[Finding] = []
    after: str | None = None
    pages = 0
    while True:
        with counting(session) as statements:
            page = await _page(session, first=4, after=after)
        assert statements.count == 1
        pages += 1
        seen.extend(page.findings)
        if not page.more:
            break
        after = cursor_of(page.findings[-1].row.key)
    assert pages == 4
    assert [f.row.key for f in seen] == [f.row.key for f in whole.findings]


async def test_bad_arguments_are_refused_with_codes(session: AsyncSession) -> None:
    with pytest.raises(InputError) as caught:
        await _page(
            session,
            FindingFilterInput(region="44", date_from=date(2024, 2, 1), date_to=date(2024, 1, 1)),
            first=0,
            after="nonsense",
        )
    got = {(e.code, e.field) for e in caught.value.errors}
    assert ("OUT_OF_RANGE", "first") in got
    assert ("BAD_CURSOR", "after") in got
    assert any(field == "filter.region" for _, field in got)
    assert any(field == "filter.to" or field == "filter.from" for _, field in got)
