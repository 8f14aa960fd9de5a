"""The audit log lists the rows of every level of a compiled read, not only the root's
(审计日志, issue 4 item 6): nested lists, to-one hops and nested connections, with the insured
units they are about — so a unit's archive read through another root (an agency, an
insurer) shows in "who read this unit". Collected by the read's own statement: the
statement count does not change. On the seeded demo data, both backends."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import services.audit
from services.audit_reads import who_read
from services.principal_auth import identity_for
from store.models import (
    Hazard,
    InsurancePolicy,
    InsuredUnit,
    RegionAncestor,
    ServiceRecord,
)
from store.repositories.audit_entry import AuditEntryRepository
from tests.resolvers.audit_sink import Collected, audited_context
from tests.resolvers.graph_helpers import SCHEMA, counting


async def _run(
    session: AsyncSession, who: str, query: str, variables: dict[str, Any] | None = None
) -> tuple[Any, Collected, int]:
    """The data, the entries and how many statements the operation ran."""
    identity = await identity_for(session, who)
    assert identity is not None
    sink = Collected()
    context = audited_context(session, identity, sink)
    with counting(session) as seen:
        result = await SCHEMA.execute(query, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    return result.data, sink, seen.count


def _key(global_id: str) -> int:
    return int(global_id.partition(":")[2])


def _below(code: str) -> Any:
    return select(RegionAncestor.region_code).where(RegionAncestor.ancestor_code == code)


async def _busy_unit(demo: AsyncSession, *, under: str = "440100") -> int:
    """A unit of the region with records that found hazards (the most such records)."""
    stmt = (
        select(ServiceRecord.unit_id)
        .join(Hazard, Hazard.service_record_id == ServiceRecord.id)
        .join(InsuredUnit, InsuredUnit.id == ServiceRecord.unit_id)
        .where(InsuredUnit.region_code.in_(_below(under)))
        .group_by(ServiceRecord.unit_id)
        .order_by(func.count(func.distinct(ServiceRecord.id)).desc(), ServiceRecord.unit_id)
        .limit(1)
    )
    found = await demo.scalar(stmt)
    assert found is not None
    return int(found)


async def _records_and_hazards(demo: AsyncSession, unit: int) -> tuple[list[int], list[int]]:
    records = list(
        (await demo.scalars(select(ServiceRecord.id).where(ServiceRecord.unit_id == unit))).all()
    )
    hazards = select(Hazard.id).where(Hazard.service_record_id.in_(records))
    return sorted(records), sorted((await demo.scalars(hazards)).all())


ARCHIVE = """query Archive($unit: [ID!]) {
  serviceRecords(first: 1000, filter: {unit: $unit}) {
    edges { node { id hazards { id } unit { id } } } } }"""


async def test_every_level_lists_the_rows_it_returned(demo: AsyncSession) -> None:
    unit = await _busy_unit(demo)
    data, sink, statements = await _run(
        demo, "demo-regulator-gd", ARCHIVE, {"unit": f"InsuredUnit:{unit}"}
    )
    nodes = [e["node"] for e in data["serviceRecords"]["edges"]]
    records = [_key(n["id"]) for n in nodes]
    hazards = sorted(_key(h["id"]) for n in nodes for h in n["hazards"])
    entry = sink.only

    assert records and hazards  # the unit has both: the check below is not vacuous
    assert (sorted(records), hazards) == await _records_and_hazards(demo, unit)
    assert entry.rows.keys() == {"ServiceRecord", "Hazard", "InsuredUnit"}
    assert entry.rows["ServiceRecord"] == records  # the root page, in the response's order
    assert sorted(entry.rows["Hazard"]) == hazards
    assert entry.rows["InsuredUnit"] == [unit]  # under every record, listed once
    assert entry.row_count == len(records) + len(hazards) + 1
    assert entry.subjects == {unit}
    assert entry.omitted == {}
    assert statements == 1


async def test_rows_are_listed_whether_or_not_their_ids_are_selected(demo: AsyncSession) -> None:
    unit = await _busy_unit(demo)
    query = """query Archive($unit: [ID!]) { serviceRecords(first: 1000, filter: {unit: $unit}) {
      nodes { content hazards { __typename } } } }"""
    _, sink, _ = await _run(demo, "demo-regulator-gd", query, {"unit": f"InsuredUnit:{unit}"})
    records, hazards = await _records_and_hazards(demo, unit)

    assert sorted(sink.only.rows["ServiceRecord"]) == records
    assert sorted(sink.only.rows["Hazard"]) == hazards


async def _agency_of(demo: AsyncSession, unit: int) -> int:
    found = await demo.scalar(
        select(func.min(ServiceRecord.agency_id)).where(ServiceRecord.unit_id == unit)
    )
    assert found is not None
    return int(found)


THROUGH_AGENCY = """query Through($agency: ID!, $unit: [ID!]) { agency(id: $agency) { name
  serviceRecords(first: 5, filter: {unit: $unit}) { edges { cursor } } } }"""


async def test_a_unit_read_through_another_root_shows_in_who_read(demo: AsyncSession) -> None:
    unit = await _busy_unit(demo)
    agency = await _agency_of(demo, unit)
    variables = {"agency": f"Agency:{agency}", "unit": f"InsuredUnit:{unit}"}
    data, sink, statements = await _run(demo, "demo-regulator-gd", THROUGH_AGENCY, variables)
    entry = sink.only
    cursors = data["agency"]["serviceRecords"]["edges"]

    # The root is an agency (about no unit); its nested page shows the unit's records, even
    # as cursors alone (a cursor holds the row's key).
    assert cursors and entry.rows["Agency"] == [agency]
    assert len(entry.rows["ServiceRecord"]) == len(cursors)
    assert entry.subjects == {unit}
    assert statements == 1

    (entry_id,) = await AuditEntryRepository(demo).append([entry])
    page = await who_read(demo, unit, since=None, limit=10)
    assert entry_id in [e.id for e in page.entries]


async def _insurer_across_guangzhou(demo: AsyncSession) -> int:
    """An insurer with policies of units inside Guangzhou and outside it."""
    guangzhou = set(
        (
            await demo.scalars(
                select(InsuredUnit.id).where(InsuredUnit.region_code.in_(_below("440100")))
            )
        ).all()
    )
    covered: dict[int, set[bool]] = {}
    for insurer, unit in await demo.execute(
        select(InsurancePolicy.insurer_id, InsurancePolicy.unit_id)
    ):
        covered.setdefault(insurer, set()).add(unit in guangzhou)
    return min(insurer for insurer, kinds in covered.items() if kinds == {True, False})


async def test_rows_outside_the_scope_are_never_listed(demo: AsyncSession) -> None:
    insurer = await _insurer_across_guangzhou(demo)
    query = """query Policies($insurer: ID!) { insurer(id: $insurer) {
      policies(first: 1000) { nodes { unit { id } } } } }"""
    _, sink, _ = await _run(demo, "demo-regulator-gz", query, {"insurer": f"Insurer:{insurer}"})
    entry = sink.only
    in_guangzhou = select(InsuredUnit.id).where(InsuredUnit.region_code.in_(_below("440100")))
    policies = select(InsurancePolicy.id, InsurancePolicy.unit_id).where(
        InsurancePolicy.insurer_id == insurer
    )
    every = (await demo.execute(policies)).all()
    inside = (await demo.execute(policies.where(InsurancePolicy.unit_id.in_(in_guangzhou)))).all()

    assert len(inside) < len(every)  # the insurer also covers units outside Guangzhou
    assert sorted(entry.rows["InsurancePolicy"]) == sorted(p for p, _ in inside)
    assert sorted(entry.rows["InsuredUnit"]) == sorted({u for _, u in inside})
    assert entry.subjects == {u for _, u in inside}


async def test_a_nested_page_lists_its_page_not_the_look_ahead_row(demo: AsyncSession) -> None:
    unit = await _busy_unit(demo)
    records, _ = await _records_and_hazards(demo, unit)
    assert len(records) >= 3
    query = """query Page($unit: ID!, $before: String) { insuredUnit(id: $unit) {
      first: serviceRecords(first: 2) { nodes { id } }
      last: serviceRecords(last: 1, before: $before) { nodes { id } } } }"""
    variables: dict[str, Any] = {"unit": f"InsuredUnit:{unit}", "before": None}
    data, sink, statements = await _run(demo, "demo-regulator-gd", query, variables)
    first = [_key(n["id"]) for n in data["insuredUnit"]["first"]["nodes"]]
    last = [_key(n["id"]) for n in data["insuredUnit"]["last"]["nodes"]]

    assert first == records[:2] and last == records[-1:]
    assert sorted(sink.only.rows["ServiceRecord"]) == records[:2] + records[-1:]
    assert statements == 1


@pytest.mark.parametrize("audited", [False, True])
async def test_nested_levels_add_no_statement(demo: AsyncSession, audited: bool) -> None:
    """The same read, audited or not: one statement (the statement count is unchanged)."""
    unit = await _busy_unit(demo)
    query = """query Deep($unit: [ID!]) { serviceRecords(first: 50, filter: {unit: $unit}) {
      nodes { id unit { id region { name } } hazards { id serviceRecord { id } }
              staff { id trainings { id } } } } }"""
    identity = await identity_for(demo, "demo-regulator-gd")
    assert identity is not None
    sink = Collected()
    context = audited_context(demo, identity, sink)
    if not audited:
        context.audit_log = None
    with counting(demo) as seen:
        result = await SCHEMA.execute(
            query, variable_values={"unit": f"InsuredUnit:{unit}"}, context_value=context
        )
    assert result.errors is None, result.errors
    assert seen.count == 1, seen.queries
    assert len(sink.entries) == (1 if audited else 0)
    if audited:
        assert {"ServiceRecord", "InsuredUnit", "Region", "Hazard"} <= sink.only.rows.keys()


async def test_past_the_bound_rows_are_counted_never_dropped(
    demo: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services.audit, "MAX_IDS_PER_ENTRY", 3)
    unit = await _busy_unit(demo)
    data, sink, _ = await _run(demo, "demo-regulator-gd", ARCHIVE, {"unit": f"InsuredUnit:{unit}"})
    nodes = [e["node"] for e in data["serviceRecords"]["edges"]]
    returned = len(nodes) + sum(len(n["hazards"]) for n in nodes) + 1  # + the unit
    entry = sink.only
    listed = sum(len(keys) for keys in entry.rows.values())

    assert returned > 3
    assert listed == 3
    assert entry.row_count == returned == listed + sum(entry.omitted.values())
    assert entry.columns()["rows"]["omitted"] == entry.omitted
    assert entry.subjects == {unit}  # units are never cut


async def test_a_chain_of_hops_lists_each_row_keys_of_any_type(demo: AsyncSession) -> None:
    """Hops to rows about no unit (regions, keyed by code) are listed too; on SQLite the
    audit column nests no deeper than the response's, so a read that compiles audits."""
    query = """{ hazards(first: 3) { nodes {
      serviceRecord { unit { region { parent { parent { name } } } } } } } }"""
    _, sink, statements = await _run(demo, "demo-regulator-gd", query)
    entry = sink.only
    hazards = entry.rows["Hazard"]
    records = select(ServiceRecord.id, ServiceRecord.unit_id).join(
        Hazard, Hazard.service_record_id == ServiceRecord.id
    )
    pairs = (await demo.execute(records.where(Hazard.id.in_(hazards)))).all()
    regions = select(InsuredUnit.region_code).where(InsuredUnit.id.in_([u for _, u in pairs]))

    assert len(hazards) == 3
    assert sorted(entry.rows["ServiceRecord"]) == sorted({r for r, _ in pairs})
    assert (
        sorted(entry.rows["InsuredUnit"]) == sorted({u for _, u in pairs}) == sorted(entry.subjects)
    )
    own = set((await demo.scalars(regions)).all())
    assert own <= set(entry.rows["Region"])  # each unit's region, then its ancestors
    assert all(isinstance(code, str) for code in entry.rows["Region"])
    assert statements == 1


UNIT_ARCHIVE = """query Archive($unit: ID!) { insuredUnit(id: $unit) { id
  serviceRecords(first: 1000) { edges { node { id hazards { id } } } } } }"""


async def test_a_unit_object_with_its_records_and_their_hazards(demo: AsyncSession) -> None:
    """A single object, a connection below it and a list below that: one statement on both
    databases (on SQLite this shape had overflowed the parser's stack, audited or not)."""
    unit = await _busy_unit(demo)
    data, sink, statements = await _run(
        demo, "demo-regulator-gd", UNIT_ARCHIVE, {"unit": f"InsuredUnit:{unit}"}
    )
    nodes = [e["node"] for e in data["insuredUnit"]["serviceRecords"]["edges"]]
    records, hazards = await _records_and_hazards(demo, unit)

    assert [_key(n["id"]) for n in nodes] == records
    assert sorted(_key(h["id"]) for n in nodes for h in n["hazards"]) == hazards
    assert sink.only.rows.keys() == {"InsuredUnit", "ServiceRecord", "Hazard"}
    assert sink.only.rows["InsuredUnit"] == [unit]
    assert sorted(sink.only.rows["ServiceRecord"]) == records
    assert sorted(sink.only.rows["Hazard"]) == hazards
    assert statements == 1


async def test_a_row_with_more_nested_fields_than_an_object_holds(demo: AsyncSession) -> None:
    """49 aliased hops on one record: with its key and unit, more than the 50 keys of one
    JSON object, so its nested levels go into one array (graph/audit.py)."""
    unit = await _busy_unit(demo)
    record = await demo.scalar(
        select(func.min(ServiceRecord.id)).where(ServiceRecord.unit_id == unit)
    )
    hops = " ".join(f"u{i}: unit {{ id }}" for i in range(49))
    query = f'{{ serviceRecord(id: "ServiceRecord:{record}") {{ {hops} }} }}'
    data, sink, statements = await _run(demo, "demo-regulator-gd", query)

    assert len(data["serviceRecord"]) == 49
    assert sink.only.rows == {"ServiceRecord": [record], "InsuredUnit": [unit]}
    assert sink.only.subjects == {unit}
    assert statements == 1
