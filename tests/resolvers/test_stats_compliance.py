"""``stats { groups { compliance } }`` (issue 6 item 3) through the schema, on both backends.

The oracle is the ``findings`` list of the same principal and range, grouped by hand here
(Python, not the statement under test), with the rate worked out by hand: met / (met + late
+ overdue), rounded half up to four places. Also: the read scope (a unit, a city's
regulator, the public), the statements a request costs (none more when not selected, one
when it is), and REGION at province and city level."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from policies.resources import Action
from policies.scope import Scope
from resolvers.context import RequestContext
from services.identity import PUBLIC, PUBLIC_GRANT, Identity, RoleGrant
from store.enums import Role
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.stats.repository import CUSTOM_PLANS
from tests.factories.stats_world import StatsWorld, build_stats_world
from tests.resolvers.graph_helpers import SCHEMA, counting, run
from tests.resolvers.test_findings import DECISIONS, scope_of

RANGE = {"from": "2024-01-01", "to": "2025-01-01"}
CHINA = timezone(timedelta(hours=8))
STATES = ("MET", "LATE", "OVERDUE", "DUE_SOON", "PENDING", "UNKNOWN")
FIELDS = {
    "MET": "met",
    "LATE": "late",
    "OVERDUE": "overdue",
    "DUE_SOON": "dueSoon",
    "PENDING": "pending",
    "UNKNOWN": "unknown",
}

STATS = """
query Stats($groupBy: [StatsDimension!]!, $filter: StatsFilter, $level: RegionLevel) {
  stats(groupBy: $groupBy, filter: $filter, regionLevel: $level) {
    groups {
      region { code level } insurer { id } industry { code } year category
      unitsCovered
      compliance {
        rule met late overdue dueSoon pending unknown
        rate { numerator denominator ratio }
      }
    }
  }
}
"""

STATS_ONLY = """
query Stats($groupBy: [StatsDimension!]!, $filter: StatsFilter) {
  stats(groupBy: $groupBy, filter: $filter) { groups { insurer { id } unitsCovered } }
}
"""

FINDINGS = """
query Findings($filter: FindingFilter, $after: String) {
  findings(filter: $filter, first: 1000, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { rule state insurerId unitId evidence { startedAt } }
  }
}
"""

Key = tuple[Any, ...]
# A group's compliance as the field gives it: rule -> (counts by state, rate's three parts).
Compliance = dict[str, tuple[dict[str, int], tuple[int, int, str | None]]]


async def _data(session: AsyncSession, query: str, scope: RowScope, **variables: Any) -> Any:
    result = await run(session, query, variables, scope=scope)
    assert result.errors is None, result.errors
    return result.data


async def _findings(session: AsyncSession, scope: RowScope, **filter_: Any) -> list[Any]:
    nodes: list[Any] = []
    after = None
    while True:
        page = (await _data(session, FINDINGS, scope, filter=filter_, after=after))["findings"]
        nodes.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def _ratio(met: int, decided: int) -> str | None:
    if decided == 0:
        return None
    return str((Decimal(met) / decided).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _oracle(nodes: list[Any], key: Callable[[Any], Key]) -> dict[Key, Compliance]:
    """The findings grouped by ``key`` and rule, counted by state, the rate by hand."""
    counts: dict[Key, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for node in nodes:
        counts[key(node)][node["rule"]][node["state"]] += 1
    out: dict[Key, Compliance] = {}
    for group, rules in counts.items():
        out[group] = {}
        for rule, states in rules.items():
            met = states["MET"]
            decided = met + states["LATE"] + states["OVERDUE"]
            out[group][rule] = (
                {s: states[s] for s in STATES},
                (met, decided, _ratio(met, decided)),
            )
    return out


def _answer(groups: list[Any], key: Callable[[Any], Key]) -> dict[Key, Compliance]:
    out: dict[Key, Compliance] = {}
    for g in groups:
        if not g["compliance"]:
            continue
        k = key(g)
        assert k not in out, f"two groups with key {k}"
        out[k] = {
            c["rule"]: (
                {s: c[FIELDS[s]] for s in STATES},
                (c["rate"]["numerator"], c["rate"]["denominator"], c["rate"]["ratio"]),
            )
            for c in g["compliance"]
        }
    return out


async def _stats(
    session: AsyncSession, scope: RowScope, group_by: list[str], **variables: Any
) -> list[Any]:
    data = await _data(session, STATS, scope, groupBy=group_by, filter=RANGE, **variables)
    groups: list[Any] = data["stats"]["groups"]
    return groups


def _insurer(g: Any) -> Key:
    return (g["insurer"]["id"] if g.get("insurer") else g.get("insurerId"),)


def _year(node: Any) -> int:
    return datetime.fromisoformat(node["evidence"]["startedAt"]).astimezone(CHINA).year


def _unit_regions(world: StatsWorld, level: str) -> dict[str | None, str | None]:
    """Each unit's region group, worked out by hand from the world's codes."""
    province = {"440305": "440000", "410102": "410000", "419001": "410000", "440300": "440000"}
    city = {"440305": "440300", "410102": "410100", "419001": "410000", "440300": "440300"}
    table = province if level == "PROVINCE" else city
    units = [world.u1, world.u2, world.u3, world.u4, world.u5]
    regions: dict[str | None, str | None] = {
        f"InsuredUnit:{u.id}": table[u.region_code] for u in units
    }
    regions[None] = None  # an insurer's own duty lies in no region
    return regions


async def test_by_insurer_equals_the_findings_grouped_by_hand(session: AsyncSession) -> None:
    await build_stats_world(session)
    nodes = await _findings(session, EVERYTHING, **RANGE)
    assert len(nodes) > 10 and {n["state"] for n in nodes} >= {"MET", "LATE", "OVERDUE"}
    expected = _oracle(nodes, lambda n: (n["insurerId"],))
    groups = await _stats(session, EVERYTHING, ["INSURER"])
    assert _answer(groups, _insurer) == expected
    # Some rate is strictly between 0 and 1: the oracle is not trivially all or nothing.
    ratios = {r[1][2] for c in expected.values() for r in c.values()}
    assert any(x not in (None, "1.0000", "0.0000") for x in ratios)


async def test_by_insurer_and_year(session: AsyncSession) -> None:
    await build_stats_world(session)
    nodes = await _findings(session, EVERYTHING)  # every year, no range
    expected = _oracle(nodes, lambda n: (n["insurerId"], _year(n)))
    data = await _data(session, STATS, EVERYTHING, groupBy=["INSURER", "YEAR"])
    got = _answer(data["stats"]["groups"], lambda g: (g["insurer"]["id"], g["year"]))
    assert got == expected
    assert len({k[1] for k in expected}) > 1  # more than one year


@pytest.mark.parametrize("level", ["PROVINCE", "CITY"])
async def test_by_region_at_a_level(session: AsyncSession, level: str) -> None:
    world = await build_stats_world(session)
    regions = _unit_regions(world, level)
    nodes = await _findings(session, EVERYTHING, **RANGE)
    expected = _oracle(nodes, lambda n: (regions[n["unitId"]],))
    groups = await _stats(session, EVERYTHING, ["REGION"], level=level)
    got = _answer(groups, lambda g: (g["region"]["code"] if g["region"] else None,))
    assert got == expected
    wanted = {"PROVINCE": {"440000", "410000"}, "CITY": {"440300", "410100", "410000"}}[level]
    assert {k[0] for k in got} - {None} == wanted


async def test_a_unit_sees_only_its_own(session: AsyncSession) -> None:
    world = await build_stats_world(session)
    unit = scope_of(RoleGrant(role=Role.UNIT, unit_id=world.u1.id))
    nodes = await _findings(session, unit, **RANGE)
    assert nodes and {n["unitId"] for n in nodes} == {f"InsuredUnit:{world.u1.id}"}
    expected = _oracle(nodes, lambda n: (n["insurerId"],))
    assert _answer(await _stats(session, unit, ["INSURER"]), _insurer) == expected
    everyone = _oracle(await _findings(session, EVERYTHING, **RANGE), lambda n: (n["insurerId"],))
    assert expected != everyone  # the scope narrowed something


async def test_a_city_regulator_sees_only_its_city(session: AsyncSession) -> None:
    world = await build_stats_world(session)
    shenzhen = scope_of(RoleGrant(role=Role.REGULATOR, region_code="440300"))
    nodes = await _findings(session, shenzhen, **RANGE)
    units = {n["unitId"] for n in nodes} - {None}
    assert units == {f"InsuredUnit:{u.id}" for u in (world.u1, world.u4)}
    regions = _unit_regions(world, "CITY")
    expected = _oracle(nodes, lambda n: (regions[n["unitId"]],))
    groups = await _stats(session, shenzhen, ["REGION"], level="CITY")
    got = _answer(groups, lambda g: (g["region"]["code"] if g["region"] else None,))
    assert got == expected
    assert {k[0] for k in got} - {None} == {"440300"}


async def test_the_public_gets_none(session: AsyncSession) -> None:
    await build_stats_world(session)
    groups = await _stats(session, Scope(PUBLIC, DECISIONS.decide), ["INSURER"])
    assert groups and all(g["compliance"] == [] for g in groups)


async def test_service_rules_carry_a_category_and_the_others_none(session: AsyncSession) -> None:
    await build_stats_world(session)
    nodes = await _findings(session, EVERYTHING, **RANGE)
    groups = await _stats(session, EVERYTHING, ["CATEGORY"])
    service_rules = {"R-6.3-followup", "R-6.3-archive", "R-6.1-scheme", "R-6.2-major-hazard"}
    totals: Counter[str] = Counter()
    for g in groups:
        for c in g["compliance"]:
            totals[c["rule"]] += sum(c[f] for f in FIELDS.values())
            if g["category"] is None:
                assert c["rule"] not in service_rules, c
            else:
                assert c["rule"] in service_rules, c
    assert totals == Counter(n["rule"] for n in nodes)  # every finding in exactly one group
    assert any(g["category"] is not None and g["compliance"] for g in groups)


async def test_unit_filters_findings_do_not_know(session: AsyncSession) -> None:
    """industries (like aboveDesignatedSize, highRiskOnly) narrow by the finding's unit:
    findings without a unit drop out."""
    world = await build_stats_world(session)
    c26 = {f"InsuredUnit:{u.id}" for u in (world.u1, world.u4)}  # the world's C26 units
    nodes = [n for n in await _findings(session, EVERYTHING, **RANGE) if n["unitId"] in c26]
    expected = _oracle(nodes, lambda n: (n["insurerId"],))
    data = await _data(
        session, STATS, EVERYTHING, groupBy=["INSURER"], filter={**RANGE, "industries": ["C26"]}
    )
    assert expected and _answer(data["stats"]["groups"], _insurer) == expected


@pytest.mark.parametrize("selected", [False, True])
async def test_one_statement_more_only_when_selected(
    session: AsyncSession, backend: str, selected: bool
) -> None:
    await build_stats_world(session)
    query = STATS if selected else STATS_ONLY
    with counting(session) as seen:
        await _data(session, query, EVERYTHING, groupBy=["INSURER"], filter=RANGE)
    statements = [q for q in seen.queries if q != CUSTOM_PLANS]
    assert len(statements) == (2 if selected else 1)
    assert any("finding_rows" in q for q in statements) is selected


async def _as(session: AsyncSession, identity: Identity, query: str) -> list[Any]:
    """Through a context as the server builds it: the read scope, the aggregate scope, and
    small-cell suppression of 1 unit for a caller with the public role."""
    scope = Scope(identity, DECISIONS.decide)
    context = RequestContext(
        request=None,  # type: ignore[arg-type]
        response=None,  # type: ignore[arg-type]
        session=session,
        identity=identity,
        scope=scope,
        mask=scope,
        aggregate_scope=scope.for_action(Action.AGGREGATE),
        public_min_cell_units=1,
    )
    result = await SCHEMA.execute(query, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    groups: list[Any] = result.data["stats"]["groups"]
    return groups


BY_PROVINCE = """{ stats(groupBy: [REGION], filter: {from: "2024-01-01", to: "2025-01-01"}) {
  groups { region { code } unitsCovered compliance { rule met } } } }"""


async def test_suppression_applies_to_the_groups_with_their_compliance(
    session: AsyncSession,
) -> None:
    await build_stats_world(session)
    public = await _as(session, PUBLIC, BY_PROVINCE)
    assert public and all(g["compliance"] == [] for g in public)
    # The public role beside a regulator's grant: the regulator's findings, but a group of
    # fewer units than the threshold — the insurers' own duties, in no region, 0 units —
    # is left out whole, compliance and all.
    both = Identity(
        name="both",
        display_name="两者",
        grants=(PUBLIC_GRANT, RoleGrant(role=Role.REGULATOR, region_code="440000")),
    )
    groups = await _as(session, both, BY_PROVINCE)
    assert all(g["unitsCovered"] >= 1 for g in groups)
    assert any(g["compliance"] for g in groups)
    everything = await _stats(session, EVERYTHING, ["REGION"])
    (nowhere,) = [g for g in everything if g["region"] is None]
    assert nowhere["compliance"] and nowhere["unitsCovered"] == 0


FRAGMENT = """
query Stats($skip: Boolean!) {
  stats(groupBy: [INSURER]) { groups { insurer { id } ...Rates @skip(if: $skip) } }
}
fragment Rates on StatsGroup { c: compliance { rule } }
"""


@pytest.mark.parametrize("skip", [False, True])
async def test_selected_through_a_fragment_or_skipped(session: AsyncSession, skip: bool) -> None:
    await build_stats_world(session)
    with counting(session) as seen:
        data = await _data(session, FRAGMENT, EVERYTHING, skip=skip)
    mine = [q for q in seen.queries if "finding_rows" in q]
    assert len(mine) == (0 if skip else 1)
    groups = data["stats"]["groups"]
    assert all(("c" in g) is (not skip) for g in groups)
    assert skip or any(g["c"] for g in groups)


async def test_a_category_filter_keeps_that_category_s_findings(session: AsyncSession) -> None:
    """Findings without a service category drop out under a category filter, as the stats'
    uncategorised rows do; the rest are exactly that category's group."""
    await build_stats_world(session)
    by_category = await _stats(session, EVERYTHING, ["CATEGORY"])
    some = next(g for g in by_category if g["category"] is not None and g["compliance"])
    data = await _data(
        session,
        STATS,
        EVERYTHING,
        groupBy=["INSURER"],
        filter={**RANGE, "categories": [some["category"]]},
    )
    totals: Counter[str] = Counter()
    for g in data["stats"]["groups"]:
        for c in g["compliance"]:
            totals[c["rule"]] += sum(c[f] for f in FIELDS.values())
    assert totals == Counter(
        {c["rule"]: sum(c[f] for f in FIELDS.values()) for c in some["compliance"]}
    )


def _month(node: Any) -> str:
    return datetime.fromisoformat(node["evidence"]["startedAt"]).astimezone(CHINA).strftime("%Y-%m")


async def test_by_insurer_and_month(session: AsyncSession) -> None:
    """MONTH (issue 7): each finding in the month in China of its event instant."""
    await build_stats_world(session)
    nodes = await _findings(session, EVERYTHING)  # every month, no range
    expected = _oracle(nodes, lambda n: (n["insurerId"], _month(n)))
    query = STATS.replace("year category", "year month category")
    data = await _data(session, query, EVERYTHING, groupBy=["INSURER", "MONTH"])
    got = _answer(data["stats"]["groups"], lambda g: (g["insurer"]["id"], g["month"]))
    assert got == expected
    assert len({k[1] for k in expected}) > 3  # several months
