"""The state and date filters of the findings (合规发现) only narrow: for every state filter
and date range, the findings are those of the unfiltered list in that range, filtered in
Python, in the same order; a rule member narrowed early by its due instant
(``findings_sql.reachable``: an OVERDUE list needs a due instant before today) loses no
finding and gains none. Pages of the filtered list take one statement each (issues 6, 7)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.findings import (
    Finding,
    FindingFilterInput,
    FindingRule,
    FindingsPage,
    findings,
)
from services.findings import FindingState as S
from services.rulesets import ruleset
from tests.factories.findings_world import build_findings_world
from tests.resolvers.graph_helpers import counting

DRAFT = ruleset("AQ9010-draft")
EVERY = tuple(FindingRule)
# Before, at the end of and after the findings world's policy year (2024): each of PENDING,
# DUE_SOON and OVERDUE is the state of some finding on one of these days. The year's due
# instant (the start of 1 Jan 2025) is the due-soon window's end on 29 Dec and today's start
# on 1 Jan: the boundaries of ``reachable``.
TODAYS: tuple[date, ...] = (date(2024, 7, 1), date(2024, 12, 29), date(2024, 12, 30))
TODAYS += (date(2025, 1, 1), date(2025, 6, 2))
RANGES: tuple[tuple[date | None, date | None], ...] = (
    (None, None),
    (date(2024, 1, 1), date(2025, 1, 1)),
    (date(2024, 7, 1), date(2025, 1, 1)),
    (date(2024, 1, 1), date(2024, 12, 31)),
)
STATE_SETS: tuple[tuple[S, ...], ...] = (
    *((s,) for s in S),
    (S.OVERDUE, S.DUE_SOON),
    (S.DUE_SOON, S.PENDING),
    (S.OVERDUE, S.PENDING),
    (S.PENDING, S.LATE),
    (S.MET, S.OVERDUE),
    (S.UNKNOWN, S.LATE),
)


async def _all(
    session: AsyncSession,
    today: date,
    span: tuple[date | None, date | None],
    states: tuple[S, ...] = (),
    first: int = 1000,
    after: str | None = None,
) -> FindingsPage:
    data = FindingFilterInput(rules=EVERY, states=states, date_from=span[0], date_to=span[1])
    return await findings(session, data, rules=DRAFT, today=today, first=first, after=after)


@pytest.mark.parametrize("today", TODAYS)
async def test_every_state_filter_and_range_narrows_the_unfiltered_list(
    session: AsyncSession, today: date
) -> None:
    await build_findings_world(session)
    seen: set[S] = set()
    for span in RANGES:
        whole = await _all(session, today, span)
        assert not whole.more
        seen |= {f.state for f in whole.findings}
        for states in STATE_SETS:
            page = await _all(session, today, span, states)
            expected = [f for f in whole.findings if f.state in states]
            assert list(page.findings) == expected, (today, span, states)
    # The comparison means something: the world gives findings in the states the early
    # narrowing decides (over the three days together, checked by the caller below).
    assert seen & {S.OVERDUE, S.DUE_SOON, S.PENDING}


async def test_the_early_narrowing_is_exercised(session: AsyncSession) -> None:
    """Each state the due instant decides has findings of the policy-year rules on one of the
    days, so the comparison above covers the narrowed members."""
    await build_findings_world(session)
    year_rules = {"R-5.1-annual", "R-4.1-contract", "R-7.3-ledger"}
    found: set[S] = set()
    for today in TODAYS:
        whole = await _all(session, today, RANGES[1])
        found |= {f.state for f in whole.findings if f.rule in year_rules}
    assert {S.OVERDUE, S.DUE_SOON, S.PENDING, S.MET} <= found


async def test_overdue_pages_one_statement_each(session: AsyncSession) -> None:
    await build_findings_world(session)
    today, span = TODAYS[-1], RANGES[1]
    whole = [f for f in (await _all(session, today, span)).findings if f.state is S.OVERDUE]
    assert len(whole) > 3
    got: list[Finding] = []
    after: str | None = None
    while True:
        with counting(session) as statements:
            page = await _all(session, today, span, (S.OVERDUE,), first=3, after=after)
        assert statements.count == 1
        got.extend(page.findings)
        if not page.more:
            break
        after = page.cursor(page.findings[-1])
    assert got == whole


INDUSTRY_SETS: tuple[tuple[str, ...], ...] = (("C26",), ("E47",), ("C26", "C13"), ("Z99",))


@pytest.mark.parametrize("region", [None, "440000", "410000"])
async def test_an_industry_filter_narrows_to_the_units_of_those_industries(
    session: AsyncSession, region: str | None
) -> None:
    """The dashboard narrowed to an industry lists that industry's findings (issue 7): the
    units' findings whose industry is one of those asked, within the region if one is given;
    an insurer's own duties (no unit) belong to no industry."""
    world = await build_findings_world(session)
    industry = {u.id: u.industry_code for u in (world.g1, world.g2, world.h1)}
    province = {u.id: u.region_code[:2] for u in (world.g1, world.g2, world.h1)}
    today, span = TODAYS[-1], RANGES[1]
    base = FindingFilterInput(rules=EVERY, region=region, date_from=span[0], date_to=span[1])
    whole = await findings(session, base, rules=DRAFT, today=today, first=1000)
    assert any(f.row.unit_id is None for f in whole.findings) == (region is None)
    for codes in INDUSTRY_SETS:
        data = replace(base, industries=codes)
        with counting(session) as statements:
            page = await findings(session, data, rules=DRAFT, today=today, first=1000)
        assert statements.count == 1
        expected = [
            f
            for f in whole.findings
            if f.row.unit_id is not None and industry[f.row.unit_id] in codes
        ]
        assert list(page.findings) == expected, (region, codes)
        if region is None and codes != ("Z99",):
            assert expected  # the comparison means something
        if region == "410000":
            assert all(province[f.row.unit_id or 0] == "41" for f in page.findings)
