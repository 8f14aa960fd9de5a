"""Compiled reads reuse one statement per shape (store/repositories/graph/plans.py): the
reused statement answers exactly what a statement built afresh answers, with each request's
values, under each caller's scope, and the cache stays bounded."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.resources import Action
from policies.scope import Scope
from services.identity import Identity, RoleGrant
from store.enums import Role, ServiceStatus
from store.models import Insurer, ServiceRecord
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.graph.plans import PLANS, PlanCache, access_key
from store.repositories.graph.split import Plan
from tests.resolvers.graph_helpers import counting, run

RECORDS = """
query($first: Int, $after: String, $last: Int, $before: String,
      $order: ServiceRecordOrder, $filter: ServiceRecordFilter) {
  serviceRecords(first: $first, after: $after, last: $last, before: $before,
                 orderBy: $order, filter: $filter) {
    totalCount
    edges { cursor node { id status completedAt insurer { id }
      hazards { isMajor } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

HAZARDS = """
query($filter: HazardFilter) {
  hazards(first: 50, filter: $filter) { totalCount nodes { id isMajor toldAt } }
}
"""

ONE = """
query($id: ID!) {
  serviceRecord(id: $id) { id status unit { id name } insurer { id name } }
}
"""


class Unkeyed:
    """Every row, as EVERYTHING, but without a plan key: its reads are built afresh."""

    def where(self, entity: Any) -> ColumnElement[bool]:
        return true()


async def _data(
    session: AsyncSession, query: str, variables: dict[str, Any], scope: RowScope
) -> Any:
    result = await run(session, query, variables, scope=scope)
    assert result.errors is None, result.errors
    return result.data


async def _same_as_afresh(
    session: AsyncSession, query: str, variables: dict[str, Any], scope: RowScope = EVERYTHING
) -> Any:
    cached = await _data(session, query, variables, scope)
    assert cached == await _data(session, query, variables, Unkeyed())
    return cached


async def test_one_statement_per_shape_with_each_requests_values(demo: AsyncSession) -> None:
    assert access_key(Unkeyed()) is None  # the reference is never cached
    PLANS.clear()
    sizes = {}
    for first in (3, 7, 1):
        got = await _same_as_afresh(demo, RECORDS, {"first": first})
        sizes[first] = len(got["serviceRecords"]["edges"])
    assert sizes == {3: 3, 7: 7, 1: 1}
    assert (PLANS.misses, PLANS.hits) == (1, 2)  # built once, reused with other sizes


async def test_cursors_filters_and_orders_bind_their_values(demo: AsyncSession) -> None:
    order = {"field": "COMPLETED_AT", "direction": "DESC"}
    first = await _same_as_afresh(demo, RECORDS, {"first": 4, "order": order})
    page = first["serviceRecords"]
    cursors = [edge["cursor"] for edge in page["edges"]]
    for after in cursors[:3]:  # one shape, three cursor values
        got = await _same_as_afresh(demo, RECORDS, {"first": 2, "after": after, "order": order})
        assert got["serviceRecords"]["edges"][0]["cursor"] == cursors[cursors.index(after) + 1]
    backward = {"last": 2, "before": cursors[-1], "order": order}
    got = await _same_as_afresh(demo, RECORDS, backward)
    assert [e["cursor"] for e in got["serviceRecords"]["edges"]] == cursors[1:3]

    insurers = list((await demo.scalars(select(Insurer.id).order_by(Insurer.id))).all())
    for insurer in insurers[:2]:
        flt = {"insurer": [f"Insurer:{insurer}"], "status": ["COMPLETED", "CONFIRMED"]}
        got = await _same_as_afresh(demo, RECORDS, {"first": 50, "filter": flt})
        seen = {e["node"]["insurer"]["id"] for e in got["serviceRecords"]["edges"]}
        assert seen <= {f"Insurer:{insurer}"}
        expected = await demo.scalar(
            select(func.count())
            .select_from(ServiceRecord)
            .where(
                ServiceRecord.insurer_id == insurer,
                ServiceRecord.status.in_([ServiceStatus.COMPLETED, ServiceStatus.CONFIRMED]),
            )
        )
        assert got["serviceRecords"]["totalCount"] == expected
    for region in ("440000", "110000"):
        await _same_as_afresh(demo, RECORDS, {"first": 20, "filter": {"region": region}})


@pytest.mark.parametrize("name", ["untold", "isMajor"])
async def test_boolean_filters_pick_their_own_sql(demo: AsyncSession, name: str) -> None:
    """``untold: true`` and ``untold: false`` are different conditions (IS NULL / IS NOT
    NULL), not one condition with two values: each gets its own statement."""
    totals: dict[Any, int] = {}
    for wanted in (True, False, True):
        got = await _same_as_afresh(demo, HAZARDS, {"filter": {name: wanted}})
        totals.setdefault(wanted, got["hazards"]["totalCount"])
        assert totals[wanted] == got["hazards"]["totalCount"]
    everything = (await _same_as_afresh(demo, HAZARDS, {}))["hazards"]["totalCount"]
    assert totals[True] + totals[False] == everything


async def test_a_reused_statement_is_still_one_statement(demo: AsyncSession) -> None:
    ids = list((await demo.scalars(select(ServiceRecord.id).limit(3))).all())
    await _data(demo, ONE, {"id": f"ServiceRecord:{ids[0]}"}, EVERYTHING)
    for key in ids:
        with counting(demo) as statements:
            got = await _same_as_afresh(demo, ONE, {"id": f"ServiceRecord:{key}"})
        assert got["serviceRecord"]["id"] == f"ServiceRecord:{key}"
        assert statements.count == 2  # the cached read, then the one built afresh


def _regulator(region: str, decisions: Decisions) -> Scope:
    grant = RoleGrant(role=Role.REGULATOR, region_code=region)
    return Scope(Identity(f"regulator-{region}", "监管", (grant,)), decisions.decide)


async def test_each_scope_gets_its_own_statement(demo: AsyncSession) -> None:
    decisions = Decisions(default_rules())
    totals: dict[Any, int] = {}
    for region in ("440000", "110000", "440000"):
        scope = _regulator(region, decisions)
        got = await _data(demo, RECORDS, {"first": 5}, scope)
        totals.setdefault(region, got["serviceRecords"]["totalCount"])
        assert got["serviceRecords"]["totalCount"] == totals[region]
        fresh = Scope(scope.identity, lambda *a: decisions.decide(*a))  # another key
        assert await _data(demo, RECORDS, {"first": 5}, fresh) == got
    assert totals["440000"] != totals["110000"]


def test_plan_keys_say_what_the_scope_depends_on() -> None:
    decisions = Decisions(default_rules())
    gd, bj = _regulator("440000", decisions), _regulator("110000", decisions)
    assert gd.plan_key == _regulator("440000", decisions).plan_key
    assert gd.plan_key != bj.plan_key
    assert gd.plan_key != gd.for_action(Action.AGGREGATE).plan_key
    reloaded = Decisions(default_rules())  # a policy reload is another key
    assert gd.plan_key != _regulator("440000", reloaded).plan_key


def test_the_cache_is_bounded_least_recently_used_first() -> None:
    cache = PlanCache(size=2)
    statements = [Plan(select(true().label(f"s{i}"))) for i in range(3)]
    cache.put("a", statements[0])
    cache.put("b", statements[1])
    assert cache.get("a") is statements[0]  # "a" is now the most recent
    cache.put("c", statements[2])
    assert len(cache) == 2
    assert cache.get("b") is None
    assert cache.get("a") is statements[0] and cache.get("c") is statements[2]
