"""The scope compiler on the seeded demo data, through the compiled GraphQL reads, on SQLite
and PostgreSQL: each demo principal sees exactly its rows, by every path."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import ExecutionResult

from policies.enforcer import Decisions, default_rules
from policies.resources import Action, ScopeKind
from policies.scope import Scope, supported
from resolvers.context import RequestContext
from services.identity import PUBLIC, Identity, RoleGrant
from services.principal_auth import identity_for
from services.stats_suppression import DEFAULT_MIN_CELL_UNITS
from store.enums import Role
from store.models import (
    InsurancePolicy,
    InsuredUnit,
    RegionAncestor,
    ServiceRecord,
    StaffMember,
)
from tests.resolvers.graph_helpers import SCHEMA

DECISIONS = Decisions(default_rules())


async def _run(
    session: AsyncSession, identity: Identity, query: str, decisions: Decisions = DECISIONS
) -> Any:
    scope = Scope(identity, decisions.decide)
    context = RequestContext(
        request=None,  # type: ignore[arg-type]
        response=None,  # type: ignore[arg-type]
        session=session,
        identity=identity,
        scope=scope,
        mask=scope,
    )
    result: ExecutionResult = await SCHEMA.execute(query, context_value=context)
    assert result.errors is None, result.errors
    return result.data


async def _who(session: AsyncSession, name: str) -> Identity:
    identity = await identity_for(session, name)
    assert identity is not None
    return identity


async def _count(session: AsyncSession, stmt: Any) -> int:
    return int(await session.scalar(stmt) or 0)


RECORDS = "{ serviceRecords { totalCount } }"


def test_every_policy_rule_means_something() -> None:
    for role, resource, action, kind in default_rules():
        Action(action)  # a known action: a typo would silently grant nothing
        table = resource.split(".", 1)[0]
        assert supported(ScopeKind(kind), table), (role, resource, action, kind)


async def test_regulator_sees_its_jurisdiction_only(demo: AsyncSession) -> None:
    regulator = await _who(demo, "demo-regulator-gd")
    below = select(RegionAncestor.region_code).where(RegionAncestor.ancestor_code == "440000")
    inside = await _count(
        demo,
        select(func.count())
        .select_from(ServiceRecord)
        .join(InsuredUnit, InsuredUnit.id == ServiceRecord.unit_id)
        .where(InsuredUnit.region_code.in_(below)),
    )
    outside = await demo.scalar(
        select(func.min(ServiceRecord.id))
        .join(InsuredUnit, InsuredUnit.id == ServiceRecord.unit_id)
        .where(InsuredUnit.region_code.not_in(below))
    )
    got = await _run(
        demo,
        regulator,
        f"""{{ serviceRecords {{ totalCount }}
              outside: serviceRecord(id: "ServiceRecord:{outside}") {{ id }}
              insurers {{ totalCount }} }}""",
    )
    assert 0 < got["serviceRecords"]["totalCount"] == inside
    assert got["outside"] is None  # outside the scope is absent, not forbidden
    assert got["insurers"]["totalCount"] > 1  # every insurer


async def test_insurer_sees_its_tenant_only(demo: AsyncSession) -> None:
    insurer = await _who(demo, "demo-insurer-picc")
    tenant = insurer.grants[0].insurer_id
    own = await _count(
        demo,
        select(func.count()).select_from(ServiceRecord).where(ServiceRecord.insurer_id == tenant),
    )
    got = await _run(
        demo,
        insurer,
        """{ serviceRecords(first: 1000) { totalCount nodes { insurer { id } } }
             insurers { nodes { id } } }""",
    )
    assert got["serviceRecords"]["totalCount"] == own
    assert {n["insurer"]["id"] for n in got["serviceRecords"]["nodes"]} == {f"Insurer:{tenant}"}
    assert got["insurers"]["nodes"] == [{"id": f"Insurer:{tenant}"}]


async def test_unit_sees_its_own_records_and_no_other_unit(demo: AsyncSession) -> None:
    unit = await _who(demo, "demo-unit")
    own_id = unit.grants[0].unit_id
    own = await _count(
        demo, select(func.count()).select_from(ServiceRecord).where(ServiceRecord.unit_id == own_id)
    )
    got = await _run(
        demo,
        unit,
        """{ serviceRecords { totalCount } insuredUnits { nodes { id } }
             other: insuredUnit(id: "InsuredUnit:2") { id } }""",
    )
    assert got["serviceRecords"]["totalCount"] == own
    assert got["insuredUnits"]["nodes"] == [{"id": f"InsuredUnit:{own_id}"}]
    assert got["other"] is None


async def test_agency_sees_assigned_work_and_no_fees_or_complaints(demo: AsyncSession) -> None:
    agency = await _who(demo, "demo-agency")
    agency_id = agency.grants[0].agency_id
    assigned = await _count(
        demo,
        select(func.count())
        .select_from(ServiceRecord)
        .where(
            (ServiceRecord.agency_id == agency_id)
            | (ServiceRecord.responsible_agency_id == agency_id)
        ),
    )
    got = await _run(
        demo,
        agency,
        """{ serviceRecords { totalCount } complaints { totalCount }
             feeLedgerEntries { totalCount }
             insuredUnits(first: 1000) { nodes { serviceRecords(first: 1000) {
               nodes { agency { id } responsibleAgency { id } } } } } }""",
    )
    assert got["serviceRecords"]["totalCount"] == assigned
    assert got["complaints"]["totalCount"] == 0
    assert got["feeLedgerEntries"]["totalCount"] == 0
    for unit in got["insuredUnits"]["nodes"]:  # the nested path is trimmed the same way
        for record in unit["serviceRecords"]["nodes"]:
            ids = {
                (record["agency"] or {}).get("id"),
                (record["responsibleAgency"] or {}).get("id"),
            }
            assert f"Agency:{agency_id}" in ids


async def test_public_sees_published_evaluations_and_reference_data(demo: AsyncSession) -> None:
    got = await _run(
        demo,
        PUBLIC,
        """{ serviceRecords { totalCount } complaints { totalCount }
             annualEvaluations(first: 1000) { nodes { status } }
             regions(filter: {level: [PROVINCE]}) { totalCount } }""",
    )
    assert got["serviceRecords"]["totalCount"] == 0
    assert got["complaints"]["totalCount"] == 0
    assert {n["status"] for n in got["annualEvaluations"]["nodes"]} == {"PUBLISHED"}
    assert got["regions"]["totalCount"] == 31


@pytest.mark.parametrize("case", ["unknown role", "empty policy"])
async def test_unknown_role_or_empty_policy_denies_everything(
    demo: AsyncSession, case: str
) -> None:
    identity = PUBLIC
    decisions = DECISIONS
    if case == "unknown role":
        identity = Identity(name="x", display_name="x", grants=(RoleGrant(role=Role.ADMIN),))
    else:
        decisions = Decisions([])
    got = await _run(
        demo,
        identity,
        """{ regions { totalCount } serviceRecords { totalCount } insurers { totalCount }
             annualEvaluations { totalCount } }""",
        decisions,
    )
    assert all(v["totalCount"] == 0 for v in got.values())


async def test_personal_fields_are_withheld_unless_the_policy_names_the_role(
    demo: AsyncSession,
) -> None:
    insurer = await _who(demo, "demo-insurer-picc")
    tenant = insurer.grants[0].insurer_id
    staff = await demo.scalar(
        select(func.min(StaffMember.id)).where(
            StaffMember.insurer_id == tenant, StaffMember.phone.is_not(None)
        )
    )
    regulator = await _who(demo, "demo-regulator-gd")
    query = (
        f"""{{ staffMember(id: "StaffMember:{staff}") {{ name phone idNumber withheldFields }} }}"""
    )
    as_insurer = (await _run(demo, insurer, query))["staffMember"]
    as_regulator = (await _run(demo, regulator, query))["staffMember"]
    assert as_insurer["phone"] is not None
    assert as_insurer["withheldFields"] == []
    assert as_regulator["name"] == as_insurer["name"]
    assert as_regulator["phone"] is None
    assert as_regulator["idNumber"] is None
    assert as_regulator["withheldFields"] == ["phone", "idNumber"]


async def test_unit_contact_is_shown_to_its_regulator_and_insurer_only(demo: AsyncSession) -> None:
    unit = await _who(demo, "demo-unit")
    unit_id = unit.grants[0].unit_id
    insurer_id = await demo.scalar(
        select(InsurancePolicy.insurer_id).where(InsurancePolicy.unit_id == unit_id).limit(1)
    )
    agency = await _who(demo, "demo-agency")
    query = f"""{{ insuredUnit(id: "InsuredUnit:{unit_id}") {{
        contactPhone businessSecretNotes withheldFields }} }}"""
    own = (await _run(demo, unit, query))["insuredUnit"]
    assert own["withheldFields"] == []
    tenant = Identity(
        name="t", display_name="t", grants=(RoleGrant(role=Role.INSURER, insurer_id=insurer_id),)
    )
    assert (await _run(demo, tenant, query))["insuredUnit"]["withheldFields"] == []
    seen_by_agency = (await _run(demo, agency, query))["insuredUnit"]
    if seen_by_agency is not None:  # only when the agency served this unit
        assert seen_by_agency["contactPhone"] is None
        assert "businessSecretNotes" in seen_by_agency["withheldFields"]


async def test_statistics_follow_the_aggregate_right(demo: AsyncSession) -> None:
    """A regulator's figures cover its jurisdiction (reference tables included in the right);
    the public counts everything, but only groups of enough units come back (issue 7,
    services/stats_suppression.py)."""
    regulator = await _who(demo, "demo-regulator-gd")
    below = select(RegionAncestor.region_code).where(RegionAncestor.ancestor_code == "440000")
    delivered = await _count(
        demo,
        select(func.count())
        .select_from(ServiceRecord)
        .join(InsuredUnit, InsuredUnit.id == ServiceRecord.unit_id)
        .where(InsuredUnit.region_code.in_(below), ServiceRecord.completed_at.is_not(None)),
    )
    query = """{ stats(groupBy: [REGION]) {
      groups { region { code } unitsCovered services { delivered } } } }"""

    async def stats_as(identity: Identity) -> list[Any]:
        scope = Scope(identity, DECISIONS.decide)
        context = RequestContext(
            request=None,  # type: ignore[arg-type]
            response=None,  # type: ignore[arg-type]
            session=demo,
            identity=identity,
            scope=scope,
            mask=scope,
            aggregate_scope=scope.for_action(Action.AGGREGATE),
        )
        result = await SCHEMA.execute(query, context_value=context)
        assert result.errors is None, result.errors
        assert result.data is not None
        groups: list[Any] = result.data["stats"]["groups"]
        return groups

    groups = await stats_as(regulator)
    assert [g["region"]["code"] for g in groups] == ["440000"]
    assert groups[0]["services"]["delivered"] == delivered > 0
    public = await stats_as(PUBLIC)
    assert public and all(g["unitsCovered"] >= DEFAULT_MIN_CELL_UNITS for g in public)
    by_province = select(func.count(func.distinct(InsuredUnit.id))).where(
        InsuredUnit.region_code.in_(below)
    )
    units_gd = await _count(demo, by_province)
    # Guangdong is counted whole for the public when it has enough units, else not at all.
    shown = [g for g in public if g["region"]["code"] == "440000"]
    assert len(shown) == (1 if units_gd >= DEFAULT_MIN_CELL_UNITS else 0)
