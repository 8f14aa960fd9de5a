"""The ``findings`` root field through the schema: the result's shape, the ruleset it names,
cursors, bad arguments, and the read scope (a finding about a row the caller cannot read
does not exist for them), under the default policy, on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from services.identity import PUBLIC, Identity, RoleGrant
from store.enums import Role
from store.repositories.base import EVERYTHING, RowScope
from tests.factories.stats_world import StatsWorld, build_stats_world
from tests.resolvers.graph_helpers import counting, error_codes, run

DECISIONS = Decisions(default_rules())
# The working-day rules; the others: tests/resolvers/test_findings_rules.py.
YEAR_2024 = {
    "from": "2024-01-01",
    "to": "2025-01-01",
    "rules": ["FOLLOWUP", "ARCHIVE", "COMPLAINT"],
}

QUERY = """
query Findings($filter: FindingFilter, $first: Int, $after: String) {
  findings(filter: $filter, first: $first, after: $after) {
    rulesetId
    pageInfo { hasNextPage endCursor }
    edges { cursor }
    nodes {
      rule state dueOn dueAt subjectId subjectType insurerId unitId rulesetId
      evidence { startedAt doneAt workingDays needsVerification }
    }
  }
}
"""


def scope_of(*grants: RoleGrant) -> Scope:
    return Scope(Identity(name="reader", display_name="读者", grants=grants), DECISIONS.decide)


async def _findings(
    session: AsyncSession, scope: RowScope = EVERYTHING, **variables: Any
) -> dict[str, Any]:
    result = await run(session, QUERY, {"filter": YEAR_2024, **variables}, scope=scope)
    assert result.errors is None, result.errors
    assert result.data is not None
    found: dict[str, Any] = result.data["findings"]
    return found


def _units(found: dict[str, Any]) -> set[str]:
    return {node["unitId"] for node in found["nodes"]}


async def test_a_late_follow_up_with_its_evidence(session: AsyncSession) -> None:
    world: StatsWorld = await build_stats_world(session)
    found = await _findings(
        session, filter={**YEAR_2024, "rules": ["FOLLOWUP"], "states": ["LATE"]}
    )
    assert found["rulesetId"] == "AQ9010-draft"
    (node,) = found["nodes"]
    assert node["rule"] == "R-6.3-followup" and node["state"] == "LATE"
    assert node["dueOn"] == "2024-10-12"  # the make-up Saturday after National Day
    assert node["subjectType"] == "SERVICE_RECORD"
    assert node["subjectId"].startswith("ServiceRecord:")
    assert node["insurerId"] == f"Insurer:{world.b.id}"
    assert node["unitId"] == f"InsuredUnit:{world.u2.id}"
    assert node["rulesetId"] == "AQ9010-draft"
    evidence = node["evidence"]
    assert evidence["workingDays"] == 5 and evidence["needsVerification"] is False
    assert evidence["startedAt"].startswith("2024-09-30T03:00:00")  # 11:00 in China
    assert evidence["doneAt"].startswith("2024-10-14T08:00:00")


async def test_complaints_are_their_own_subjects(session: AsyncSession) -> None:
    await build_stats_world(session)
    found = await _findings(session, filter={**YEAR_2024, "rules": ["COMPLAINT"]})
    assert {n["subjectType"] for n in found["nodes"]} == {"COMPLAINT"}
    assert all(n["subjectId"].startswith("Complaint:") for n in found["nodes"])
    assert sorted(n["state"] for n in found["nodes"]) == [
        "LATE",
        "MET",
        "MET",
        "OVERDUE",
        "OVERDUE",  # C5, pending on 3 Jan 2025, is long overdue by the real today
    ]


async def test_pages_one_statement_each(session: AsyncSession) -> None:
    await build_stats_world(session)
    seen: list[str] = []
    after = None
    while True:
        with counting(session) as statements:
            found = await _findings(session, first=6, after=after)
        assert statements.count == 1
        seen.extend(edge["cursor"] for edge in found["edges"])
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 15


def _field_errors(result: Any) -> list[tuple[str, str]]:
    (error,) = result.errors
    return [(e["code"], e["field"]) for e in error.extensions["errors"]]


async def test_bad_arguments(session: AsyncSession) -> None:
    result = await run(session, QUERY, {"filter": {"insurers": ["InsuredUnit:1"]}})
    assert _field_errors(result) == [("BAD_GLOBAL_ID", "filter.insurers[0]")]
    result = await run(session, QUERY, {"first": 5000, "after": "x"})
    assert _field_errors(result) == [("OUT_OF_RANGE", "first"), ("BAD_CURSOR", "after")]
    assert error_codes(result) == ["INVALID_INPUT"]


# The scope: each caller sees findings only about the rows it may read.


async def test_a_regulator_sees_only_its_jurisdiction(session: AsyncSession) -> None:
    world = await build_stats_world(session)
    guangdong = scope_of(RoleGrant(role=Role.REGULATOR, region_code="440000"))
    henan = scope_of(RoleGrant(role=Role.REGULATOR, region_code="410000"))
    ids = {f"InsuredUnit:{u.id}" for u in (world.u1, world.u4)}
    assert _units(await _findings(session, guangdong)) == ids
    assert _units(await _findings(session, henan)) == {
        f"InsuredUnit:{u.id}" for u in (world.u2, world.u3)
    }
    # Asking for the other province's region gives nothing, not an error.
    assert (await _findings(session, henan, filter={**YEAR_2024, "region": "440000"}))[
        "nodes"
    ] == []


async def test_an_insurer_sees_only_its_tenants_findings(session: AsyncSession) -> None:
    world = await build_stats_world(session)
    tenant = scope_of(RoleGrant(role=Role.INSURER, insurer_id=world.a.id))
    found = await _findings(session, tenant)
    assert {n["insurerId"] for n in found["nodes"]} == {f"Insurer:{world.a.id}"}
    assert len(found["nodes"]) == 2 * 3 + 2  # S1, S2, S4 (two rules each), two complaints
    # Naming another insurer does not widen the scope.
    other = await _findings(
        session, tenant, filter={**YEAR_2024, "insurers": [f"Insurer:{world.b.id}"]}
    )
    assert other["nodes"] == []


async def test_a_unit_sees_only_its_own(session: AsyncSession) -> None:
    world = await build_stats_world(session)
    unit = scope_of(RoleGrant(role=Role.UNIT, unit_id=world.u1.id))
    found = await _findings(session, unit)
    assert _units(found) == {f"InsuredUnit:{world.u1.id}"}
    assert len(found["nodes"]) == 2 * 2 + 1  # S1, S2 (two rules each), one complaint


async def test_the_public_sees_none(session: AsyncSession) -> None:
    await build_stats_world(session)
    assert (await _findings(session, Scope(PUBLIC, DECISIONS.decide)))["nodes"] == []
