"""The ``findings`` field for the rules beyond the working-day deadlines: their subjects and
evidence through the schema (fees in yuan, counts, missing documents, the year of a yearly
duty), and a unit's and a regulator's scope, on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from policies.scope import Scope
from services.identity import Identity, RoleGrant
from store.enums import Role
from store.repositories.base import EVERYTHING, RowScope
from tests.factories.findings_world import FindingsWorld, build_findings_world
from tests.resolvers.graph_helpers import counting, run
from tests.resolvers.test_findings import DECISIONS

YEAR_2024 = {"from": "2024-01-01", "to": "2025-01-01"}
QUERY = """
query Findings($filter: FindingFilter, $first: Int) {
  findings(filter: $filter, first: $first) {
    nodes {
      rule state dueOn subjectId subjectType insurerId unitId
      evidence {
        year count requiredCount feeSpent feeAgreed unbackedEntries missing workingDays
        unverifiable { code reason }
      }
    }
  }
}
"""


async def _nodes(
    session: AsyncSession, rules: list[str], scope: RowScope = EVERYTHING
) -> list[dict[str, Any]]:
    variables = {"filter": {**YEAR_2024, "rules": rules}, "first": 1000}
    result = await run(session, QUERY, variables, scope=scope)
    assert result.errors is None, result.errors
    assert result.data is not None
    nodes: list[dict[str, Any]] = result.data["findings"]["nodes"]
    return nodes


def _scope(grant: RoleGrant) -> Scope:
    return Scope(Identity(name="reader", display_name="读者", grants=(grant,)), DECISIONS.decide)


async def test_ledger_evidence_in_yuan(session: AsyncSession) -> None:
    w: FindingsWorld = await build_findings_world(session)
    nodes = {n["subjectId"]: n for n in await _nodes(session, ["LEDGER"])}
    h1 = nodes[f"InsurancePolicy:{w.p_h1.id}"]
    assert h1["rule"] == "R-7.3-ledger" and h1["state"] == "OVERDUE"
    assert h1["subjectType"] == "INSURANCE_POLICY" and h1["unitId"] == f"InsuredUnit:{w.h1.id}"
    evidence = h1["evidence"]
    assert (evidence["feeSpent"], evidence["feeAgreed"]) == ("6000", "6000")
    assert evidence["unbackedEntries"] == 1 and evidence["count"] is None
    assert evidence["workingDays"] is None and h1["dueOn"] == "2024-12-31"


async def test_archive_and_yearly_subjects(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    nodes = await _nodes(session, ["UNIT_ARCHIVE", "STAFF", "EVALUATION", "CONTRACT"])
    archive = next(n for n in nodes if n["subjectId"] == f"InsurancePolicy:{w.p_g2.id}")
    assert archive["rule"] == "R-7.4-archive"
    assert archive["evidence"]["missing"] == [
        "service_material",
        "agency_contracts_and_records",  # its agency's service has no contract (R-7.4-archive)
        "fee_ledger",
        "complaints",
    ]
    assert archive["evidence"]["unverifiable"] == []
    staff = next(n for n in nodes if n["subjectId"] == f"StaffMember:{w.untrained.id}")
    assert (staff["rule"], staff["state"], staff["unitId"]) == ("R-7.1-staff", "OVERDUE", None)
    assert staff["evidence"]["year"] == 2024 and staff["evidence"]["count"] == 0
    assert staff["evidence"]["requiredCount"] == 1
    report = next(n for n in nodes if n["rule"] == "R-8.1-evaluation" and n["state"] == "MET")
    assert report["subjectId"] == f"Insurer:{w.a.id}" and report["subjectType"] == "INSURER"
    item = next(n for n in nodes if n["rule"] == "R-4.1-contract" and n["state"] == "OVERDUE")
    assert item["subjectType"] == "POLICY_SERVICE_ITEM"
    assert (item["evidence"]["count"], item["evidence"]["requiredCount"]) == (2, 3)


AGENCY_QUERY = """
query Findings($filter: FindingFilter) {
  findings(filter: $filter, first: 100) {
    nodes {
      rule state subjectId subjectType
      evidence { missing agencyId agencySuspensionId count }
    }
  }
}
"""


async def test_suspended_agency_evidence_names_the_suspension(session: AsyncSession) -> None:
    """R-7.1-staff: a finding about work given to a suspended agency names the agency and the
    suspension in force then (AgencyStatusChange); one about other agency work names none."""
    w = await build_findings_world(session)
    variables = {"filter": {**YEAR_2024, "rules": ["AGENCY_WORK", "AGENCY_SCHEME"]}}
    result = await run(session, AGENCY_QUERY, variables)
    assert result.errors is None, result.errors
    assert result.data is not None
    nodes = {n["subjectId"]: n for n in result.data["findings"]["nodes"]}
    bad = nodes[f"ServiceRecord:{w.s_unschemed.id}"]
    assert (bad["rule"], bad["state"], bad["subjectType"]) == (
        "R-7.1-staff",
        "OVERDUE",
        "SERVICE_RECORD",
    )
    assert bad["evidence"] == {
        "missing": ["agency_suspended"],
        "agencyId": f"Agency:{w.suspended_agency.id}",
        "agencySuspensionId": f"AgencyStatusChange:{w.suspension.id}",
        "count": None,
    }
    good = nodes[f"ServiceRecord:{w.s_met.id}"]
    assert good["state"] == "MET" and good["evidence"]["agencySuspensionId"] is None
    assert good["evidence"]["agencyId"] == f"Agency:{w.good_agency.id}"
    schemes = [n for n in nodes.values() if n["subjectType"] == "SERVICE_SCHEME"]
    assert sorted(n["state"] for n in schemes) == ["MET", "OVERDUE"]
    assert all(n["subjectId"].startswith("ServiceScheme:") for n in schemes)


async def test_a_unit_and_a_regulator(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    every = ["ANNUAL", "CONTRACT", "SCHEME", "MAJOR_HAZARD", "STAFF", "LEDGER", "UNIT_ARCHIVE"]
    every += ["EVALUATION", "PUBLICATION"]
    unit = await _nodes(session, every, _scope(RoleGrant(role=Role.UNIT, unit_id=w.g1.id)))
    assert unit and {n["unitId"] for n in unit} == {f"InsuredUnit:{w.g1.id}"}
    henan = _scope(RoleGrant(role=Role.REGULATOR, region_code="410000"))
    with counting(session) as statements:
        nodes = await _nodes(session, every, henan)
    assert statements.count == 1
    units = {n["unitId"] for n in nodes} - {None}
    assert units == {f"InsuredUnit:{w.h1.id}"}
    hazards = [n for n in nodes if n["rule"] == "R-6.2-major-hazard"]
    assert hazards == []  # both major hazards are in Guangdong


SCORECARD = """
query Scorecard($filter: FindingFilter) {
  findingScorecard(filter: $filter) {
    rulesetId
    insurers { insurerId rules { rule met notMet open unknown rate } }
  }
}
"""


async def test_scorecard_in_scope(session: AsyncSession) -> None:
    w = await build_findings_world(session)
    variables = {"filter": {**YEAR_2024, "rules": ["LEDGER", "EVALUATION"]}}

    async def card(scope: RowScope) -> list[dict[str, Any]]:
        result = await run(session, SCORECARD, variables, scope=scope)
        assert result.errors is None, result.errors
        assert result.data is not None
        assert result.data["findingScorecard"]["rulesetId"] == "AQ9010-draft"
        insurers: list[dict[str, Any]] = result.data["findingScorecard"]["insurers"]
        return insurers

    whole = await card(EVERYTHING)
    assert [i["insurerId"] for i in whole] == [f"Insurer:{w.a.id}", f"Insurer:{w.b.id}"]
    a_ledger, a_report = whole[0]["rules"]
    assert a_ledger == {
        "rule": "R-7.3-ledger", "met": 1, "notMet": 1, "open": 0, "unknown": 0, "rate": "0.5000",
    }  # fmt: skip
    assert (a_report["rule"], a_report["rate"]) == ("R-8.1-evaluation", "1.0000")
    # A regulator of Henan: insurer B's figures only (A works in Guangdong alone).
    henan = await card(_scope(RoleGrant(role=Role.REGULATOR, region_code="410000")))
    assert [i["insurerId"] for i in henan] == [f"Insurer:{w.b.id}"]
    # A unit reads no evaluations: its card has its ledger and nothing of.
    unit = await card(_scope(RoleGrant(role=Role.UNIT, unit_id=w.h1.id)))
    assert [[r["rule"] for r in i["rules"]] for i in unit] == [["R-7.3-ledger"]]
