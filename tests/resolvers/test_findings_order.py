"""``findings(orderBy: {field: DUE_DATE, direction})`` through the schema (issue 9: the
insurer's work queue by deadline): due days in order across pages, findings without one
last, one statement per page, inside the caller's scope, the working days left, and a
cursor of another order refused with its code. Both backends."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.identity import RoleGrant
from services.working_days import china_today, working_days_between
from store.enums import Role
from store.repositories.base import EVERYTHING, RowScope
from tests.factories.stats_world import build_stats_world
from tests.resolvers.graph_helpers import counting, run
from tests.resolvers.test_findings import YEAR_2024, scope_of

QUERY = """
query Queue($filter: FindingFilter, $first: Int, $after: String, $order: FindingOrder) {
  findings(filter: $filter, first: $first, after: $after, orderBy: $order) {
    pageInfo { hasNextPage endCursor }
    nodes { rule state dueOn workingDaysLeft subjectId insurerId }
  }
}
"""
BY_DUE = {"field": "DUE_DATE", "direction": "ASC"}


async def _pages(
    session: AsyncSession, order: dict[str, str], scope: RowScope = EVERYTHING, first: int = 4
) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        with counting(session) as statements:
            result = await run(
                session,
                QUERY,
                {"filter": YEAR_2024, "first": first, "after": after, "order": order},
                scope=scope,
            )
        assert statements.count == 1
        assert result.errors is None, result.errors
        assert result.data is not None
        found = result.data["findings"]
        nodes.extend(found["nodes"])
        if not found["pageInfo"]["hasNextPage"]:
            return nodes
        after = found["pageInfo"]["endCursor"]


def _due_days(nodes: list[dict[str, Any]]) -> list[str]:
    return [n["dueOn"] for n in nodes]


async def test_an_insurers_queue_by_due_day_across_pages(session: AsyncSession) -> None:
    world = await build_stats_world(session)
    tenant = scope_of(RoleGrant(role=Role.INSURER, insurer_id=world.b.id))
    nodes = await _pages(session, BY_DUE, tenant, first=3)
    assert {n["insurerId"] for n in nodes} == {f"Insurer:{world.b.id}"}
    assert len(nodes) == 2 * 2 + 3  # S3, S5 (two rules each), three complaints
    due = _due_days(nodes)
    assert due == sorted(due)
    # The start order (the default) is another order of the same findings.
    by_start = await _pages(session, {"field": "STARTED_AT", "direction": "ASC"}, tenant)
    assert sorted(n["subjectId"] + n["rule"] for n in by_start) == sorted(
        n["subjectId"] + n["rule"] for n in nodes
    )
    assert _due_days(by_start) != due
    newest_first = await _pages(session, {"field": "DUE_DATE", "direction": "DESC"}, tenant)
    assert _due_days(newest_first) == sorted(due, reverse=True)
    # Working days left, from the holiday calendar and the real today (overdue: below 0).
    today = china_today()
    for n in nodes:
        assert n["workingDaysLeft"] == working_days_between(today, date.fromisoformat(n["dueOn"]))


async def test_a_cursor_of_another_order_is_refused(session: AsyncSession) -> None:
    await build_stats_world(session)
    result = await run(session, QUERY, {"filter": YEAR_2024, "first": 2})
    assert result.data is not None
    cursor = result.data["findings"]["pageInfo"]["endCursor"]
    refused = await run(
        session, QUERY, {"filter": YEAR_2024, "first": 2, "after": cursor, "order": BY_DUE}
    )
    assert refused.errors is not None
    (error,) = refused.errors
    assert error.extensions is not None
    assert [(e["code"], e["field"]) for e in error.extensions["errors"]] == [
        ("BAD_CURSOR", "after")
    ]


async def test_an_industry_narrows_the_findings_through_the_schema(session: AsyncSession) -> None:
    """``filter.industries`` reaches the service (the dashboard's industry narrowing): the
    findings of C13's units are a proper part of the year's, and an unknown code has none."""
    await build_stats_world(session)
    every = await _pages(session, BY_DUE, first=50)
    narrowed = await run(
        session, QUERY, {"filter": {**YEAR_2024, "industries": ["C13"]}, "first": 50}
    )
    none = await run(session, QUERY, {"filter": {**YEAR_2024, "industries": ["Z99"]}})
    assert narrowed.errors is None and none.errors is None, (narrowed.errors, none.errors)
    assert narrowed.data is not None and none.data is not None
    found = narrowed.data["findings"]["nodes"]
    assert 0 < len(found) < len(every)
    assert {n["subjectId"] for n in found} < {n["subjectId"] for n in every}
    assert none.data["findings"]["nodes"] == []
