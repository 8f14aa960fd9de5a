"""What one GraphQL operation leaves in the audit log (审计日志), at the schema level on the
seeded demo data, both backends: principal, roles, scope, hashes, the rows returned and the
insured units they are about — computed by the read's own single statement (the levels below
the root: test_audit_nested.py)."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.audit import AuditOperationKind
from services.identity import Identity
from services.principal_auth import identity_for
from store.models import Hazard, InsuredUnit, RegionAncestor, ServiceRecord
from tests.resolvers.audit_sink import Collected, audited_context
from tests.resolvers.graph_helpers import SCHEMA, counting


async def _who(session: AsyncSession, name: str) -> Identity:
    identity = await identity_for(session, name)
    assert identity is not None
    return identity


async def _run(
    session: AsyncSession, who: str, query: str, variables: dict[str, Any] | None = None
) -> tuple[Any, Collected]:
    sink = Collected()
    context = audited_context(session, await _who(session, who), sink)
    result = await SCHEMA.execute(query, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    return result.data, sink


def _key(global_id: str) -> int:
    return int(global_id.partition(":")[2])


def _sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


PAGE = "query Page($n: Int) { serviceRecords(first: $n) { nodes { id unit { id } } } }"


async def test_a_page_records_who_what_and_the_units(demo: AsyncSession) -> None:
    data, sink = await _run(demo, "demo-regulator-gd", PAGE, {"n": 5})
    nodes = data["serviceRecords"]["nodes"]
    entry = sink.only

    assert entry.principal == "demo-regulator-gd"
    assert entry.roles == ("regulator",)
    assert entry.scope == "regulator@jurisdiction:440000"
    assert entry.kind is AuditOperationKind.QUERY
    assert entry.operation_name == "Page"
    assert entry.operation_hash == _sha256(PAGE)
    assert entry.variables_hash == _sha256(b'{"n":5}')  # canonical JSON: sorted, no spaces
    units = {_key(n["unit"]["id"]) for n in nodes}
    # Every level: the records, and the units returned under them (each once).
    assert entry.rows.keys() == {"ServiceRecord", "InsuredUnit"}
    assert entry.rows["ServiceRecord"] == [_key(n["id"]) for n in nodes]
    assert sorted(entry.rows["InsuredUnit"]) == sorted(units)
    assert entry.row_count == len(nodes) + len(units) == 5 + len(units)
    assert entry.subjects == units
    assert entry.aggregate is False


async def test_a_page_is_still_one_statement(demo: AsyncSession) -> None:
    sink = Collected()
    context = audited_context(demo, await _who(demo, "demo-regulator-gd"), sink)
    query = "{ serviceRecords(first: 50) { totalCount edges { cursor node { id } } } }"
    with counting(demo) as seen:
        result = await SCHEMA.execute(query, context_value=context)
    assert result.errors is None, result.errors
    assert seen.count == 1, seen.queries
    assert len(sink.only.rows["ServiceRecord"]) == 50


async def test_children_reach_their_unit_through_the_parent(demo: AsyncSession) -> None:
    data, sink = await _run(demo, "demo-regulator-gd", "{ hazards(first: 4) { nodes { id } } }")
    ids = [_key(n["id"]) for n in data["hazards"]["nodes"]]
    units = select(ServiceRecord.unit_id).join(Hazard, Hazard.service_record_id == ServiceRecord.id)
    expected = set((await demo.scalars(units.where(Hazard.id.in_(ids)))).all())

    assert sink.only.rows == {"Hazard": ids}
    assert sink.only.subjects == expected and expected


async def _record(demo: AsyncSession, *, inside_guangzhou: bool) -> int:
    below = select(RegionAncestor.region_code).where(RegionAncestor.ancestor_code == "440100")
    units = select(InsuredUnit.id).where(
        InsuredUnit.region_code.in_(below)
        if inside_guangzhou
        else InsuredUnit.region_code.not_in(below)
    )
    found = await demo.scalar(
        select(func.min(ServiceRecord.id)).where(ServiceRecord.unit_id.in_(units))
    )
    assert found is not None
    return int(found)


ONE = "query One($id: ID!) { serviceRecord(id: $id) { id } }"


async def test_a_refused_single_item_records_no_row(demo: AsyncSession) -> None:
    outside = await _record(demo, inside_guangzhou=False)
    data, sink = await _run(demo, "demo-regulator-gz", ONE, {"id": f"ServiceRecord:{outside}"})

    assert data == {"serviceRecord": None}
    assert (sink.only.row_count, sink.only.rows, sink.only.subjects) == (0, {}, frozenset())


async def test_a_single_item_records_its_row_and_unit(demo: AsyncSession) -> None:
    inside = await _record(demo, inside_guangzhou=True)
    unit = await demo.scalar(select(ServiceRecord.unit_id).where(ServiceRecord.id == inside))
    _, sink = await _run(demo, "demo-regulator-gz", ONE, {"id": f"ServiceRecord:{inside}"})

    assert sink.only.rows == {"ServiceRecord": [inside]}
    assert sink.only.subjects == {unit}


async def test_stats_record_a_count_of_groups_and_no_ids(demo: AsyncSession) -> None:
    query = "{ stats(groupBy: [INSURER]) { groups { unitsCovered } } }"
    data, sink = await _run(demo, "demo-regulator-gd", query)
    entry = sink.only

    assert entry.aggregate is True
    assert entry.row_count == len(data["stats"]["groups"]) > 0
    assert (entry.rows, entry.subjects) == ({}, frozenset())


async def test_counts_alone_return_no_rows(demo: AsyncSession) -> None:
    _, sink = await _run(demo, "demo-regulator-gd", "{ serviceRecords { totalCount } }")
    assert (sink.only.row_count, sink.only.rows) == (0, {})


async def test_every_root_field_adds_its_rows(demo: AsyncSession) -> None:
    query = "{ insurers(first: 2) { nodes { id } } serviceRecords(first: 3) { nodes { id } } }"
    data, sink = await _run(demo, "demo-regulator-gd", query)
    entry = sink.only

    assert entry.rows == {
        "Insurer": [_key(n["id"]) for n in data["insurers"]["nodes"]],
        "ServiceRecord": [_key(n["id"]) for n in data["serviceRecords"]["nodes"]],
    }
    assert entry.row_count == 5


async def test_an_operation_refused_before_execution_leaves_no_entry(demo: AsyncSession) -> None:
    sink = Collected()
    context = audited_context(demo, await _who(demo, "demo-regulator-gd"), sink)
    result = await SCHEMA.execute("{ serviceRecords { noSuchField } }", context_value=context)
    assert result.errors
    assert sink.entries == []
