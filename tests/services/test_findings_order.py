"""Findings ordered by due day (issue 9: an insurer's work queue "ordered by deadline"): the
keyset (due instant, rule, subject) with findings that have no due day last in both
directions, pages that follow each other across rules, one statement per page, cursors that
stay put when a finding is added before them and that belong to one order, and the working
days left from the holiday calendar. On the stats data set (tests/factories/stats_world)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import InputError
from services.findings import (
    Finding,
    FindingFilterInput,
    FindingOrder,
    FindingRule,
    FindingsPage,
    FindingState,
    findings,
)
from services.rulesets import ruleset
from services.working_days import coverage
from store.enums import ServiceCategory
from tests.factories.insurance_policy import create_policy
from tests.factories.stats_world import StatsWorld, build_stats_world, china, completed
from tests.resolvers.graph_helpers import counting

AS_OF = date(2025, 1, 3)  # a Friday
DRAFT = ruleset("AQ9010-draft")
DEADLINES = [FindingRule.FOLLOWUP, FindingRule.ARCHIVE, FindingRule.COMPLAINT]
SINCE_2024 = FindingFilterInput(date_from=date(2024, 1, 1), rules=DEADLINES)


async def _page(
    session: AsyncSession,
    *,
    descending: bool = False,
    first: int = 1000,
    after: str | None = None,
    order: FindingOrder | str = FindingOrder.DUE,
    data: FindingFilterInput = SINCE_2024,
) -> FindingsPage:
    return await findings(
        session,
        data,
        rules=DRAFT,
        today=AS_OF,
        first=first,
        after=after,
        order=order,
        descending=descending,
    )


async def _world_with_unknown_due_days(session: AsyncSession) -> StatsWorld:
    """The stats world, plus two services in a year the holiday calendar does not cover:
    their follow-up and archive findings have no due day (UNKNOWN)."""
    world = await build_stats_world(session)
    year = coverage().last.year + 1
    policy = await create_policy(session, insurer_id=world.a.id, unit_id=world.u1.id)
    await completed(session, policy, ServiceCategory.TRAINING, china(year, 3, 2))
    await completed(session, policy, ServiceCategory.TRAINING, china(year, 3, 3))
    return world


def _expected(page: FindingsPage, *, descending: bool) -> list[tuple[object, ...]]:
    """The page's findings sorted in Python by the order's definition."""
    dated = [f for f in page.findings if f.row.due_ends is not None]
    undated = [f for f in page.findings if f.row.due_ends is None]

    def key(f: Finding) -> tuple[object, ...]:
        return (f.row.due_ends, f.row.rule.rank, f.row.subject_id)

    return [
        key(f)
        for f in sorted(dated, key=key, reverse=descending)
        + sorted(undated, key=key, reverse=descending)
    ]


@pytest.mark.parametrize("descending", [False, True])
async def test_by_due_day_none_last_pages_one_statement_each(
    session: AsyncSession, descending: bool
) -> None:
    await _world_with_unknown_due_days(session)
    whole = await _page(session, descending=descending)
    keys = [(f.row.due_ends, f.row.rule.rank, f.row.subject_id) for f in whole.findings]
    assert len(keys) == 15 + 4  # the stats world's 15, and 2 services × 2 rules unknown
    assert keys == _expected(whole, descending=descending)
    assert [f.state for f in whole.findings[-4:]] == [FindingState.UNKNOWN] * 4
    # Not the start order: a complaint filed after a service is due before that service's
    # archive day, and the order says so.
    started = [f.row.key for f in (await _page(session, order=FindingOrder.STARTED)).findings]
    assert [f.row.key for f in whole.findings] != started

    seen: list[Finding] = []
    after: str | None = None
    pages = 0
    while True:
        with counting(session) as statements:
            page = await _page(session, descending=descending, first=4, after=after)
        assert statements.count == 1
        pages += 1
        seen.extend(page.findings)
        if not page.more:
            break
        after = page.cursor(page.findings[-1])
    assert pages == 5  # 19 findings, 4 a page: the last page crosses into the undated block
    assert [f.row.key for f in seen] == [f.row.key for f in whole.findings]


async def test_a_cursor_stays_put_when_a_finding_is_added_before_it(
    session: AsyncSession,
) -> None:
    world = await _world_with_unknown_due_days(session)
    whole = await _page(session)
    first = await _page(session, first=4)
    cursor = first.cursor(first.findings[-1])
    # A service completed in early January 2024: its follow-up and archive are due before
    # anything on the first page ends, so they sort before the cursor.
    policy = await create_policy(session, insurer_id=world.b.id, unit_id=world.u2.id)
    await completed(session, policy, ServiceCategory.TRAINING, china(2024, 1, 2))
    grown = await _page(session)
    assert len(grown.findings) == len(whole.findings) + 2
    assert grown.findings[0].row.key not in {f.row.key for f in whole.findings}
    second = await _page(session, first=4, after=cursor)
    assert [f.row.key for f in second.findings] == [f.row.key for f in whole.findings[4:8]]


async def test_a_cursor_in_the_undated_block_continues_there(session: AsyncSession) -> None:
    await _world_with_unknown_due_days(session)
    whole = await _page(session)
    undated = [f for f in whole.findings if f.row.due_ends is None]
    cursor = whole.cursor(undated[0])
    assert cursor.startswith("finding-due-asc:~|")
    rest = await _page(session, after=cursor)
    assert [f.row.key for f in rest.findings] == [f.row.key for f in undated[1:]]


async def test_a_cursor_of_another_order_is_refused(session: AsyncSession) -> None:
    await build_stats_world(session)
    by_start = await _page(session, order=FindingOrder.STARTED, first=2)
    started_cursor = by_start.cursor(by_start.findings[-1])
    by_due = await _page(session, first=2)
    due_cursor = by_due.cursor(by_due.findings[-1])
    for order, descending, cursor in (
        (FindingOrder.DUE, False, started_cursor),
        (FindingOrder.STARTED, False, due_cursor),
        (FindingOrder.DUE, True, due_cursor),
        (FindingOrder.DUE, False, "finding-due-asc:yesterday|1|2"),
    ):
        with pytest.raises(InputError) as caught:
            await _page(session, order=order, descending=descending, after=cursor)
        assert [(e.code, e.field) for e in caught.value.errors] == [("BAD_CURSOR", "after")]
    with pytest.raises(InputError) as caught:
        await _page(session, order="deadline")
    assert [(e.code, e.field) for e in caught.value.errors] == [("INVALID_ENUM", "orderBy.field")]


async def test_working_days_left_from_the_holiday_calendar(session: AsyncSession) -> None:
    await _world_with_unknown_due_days(session)
    page = await _page(session)
    left = {(f.rule, f.due_on): f.working_days_left for f in page.findings}
    # Friday 3 Jan 2025: the follow-up of S5 is due Tue 7 Jan (Mon 6 and Tue 7 left).
    assert left[("R-6.3-followup", date(2025, 1, 7))] == 2
    # Its archive is due Tue 14 Jan: 7 working days left.
    assert left[("R-6.3-archive", date(2025, 1, 14))] == 7
    # S4's follow-up was due Fri 8 Mar 2024: overdue, a negative count.
    overdue = left[("R-6.3-followup", date(2024, 3, 8))]
    assert overdue is not None and overdue < -150
    # No due day: nothing to count.
    assert {f.working_days_left for f in page.findings if f.due_on is None} == {None}
