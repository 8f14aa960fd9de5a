"""Every path of the compiled reads goes through the RowScope: root rows, to-one hops, lists,
nested connections and counts. A stand-in scope (one insurer's rows; units that insurer
covers) shows it; the policies issue supplies real scopes through the same hook."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, inspect, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import InsurancePolicy, InsuredUnit, Insurer, ServiceRecord
from tests.resolvers.graph_helpers import run


class OneInsurer:
    """Rows with an insurer_id only for that insurer; units only if it insures them."""

    def __init__(self, insurer_id: int) -> None:
        self.insurer_id = insurer_id

    def where(self, entity: Any) -> ColumnElement[bool]:
        model = inspect(entity).mapper.class_
        if model is Insurer:
            return entity.id == self.insurer_id  # type: ignore[no-any-return]
        if model is InsuredUnit:
            covered = select(InsurancePolicy.unit_id).where(
                InsurancePolicy.insurer_id == self.insurer_id
            )
            return entity.id.in_(covered)  # type: ignore[no-any-return]
        if hasattr(entity, "insurer_id"):
            return entity.insurer_id == self.insurer_id  # type: ignore[no-any-return]
        return true()


async def _first_insurer(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.min(Insurer.id))) or 0)


async def test_lists_counts_and_hops_are_trimmed(demo: AsyncSession) -> None:
    insurer = await _first_insurer(demo)
    own = await demo.scalar(
        select(func.count()).select_from(ServiceRecord).where(ServiceRecord.insurer_id == insurer)
    )
    query = """{
      serviceRecords(first: 1000) { totalCount nodes { insurer { id } } }
      insurers { totalCount nodes { id } }
      insuredUnits(first: 1000) {
        nodes { serviceRecords(first: 1000) { nodes { insurer { id } } } }
      }
    }"""
    result = await run(demo, query, scope=OneInsurer(insurer))
    assert result.errors is None, result.errors
    got = result.data
    assert got is not None
    assert got["serviceRecords"]["totalCount"] == own
    assert {n["insurer"]["id"] for n in got["serviceRecords"]["nodes"]} == {f"Insurer:{insurer}"}
    assert got["insurers"] == {"totalCount": 1, "nodes": [{"id": f"Insurer:{insurer}"}]}
    nested = {
        r["insurer"]["id"]
        for unit in got["insuredUnits"]["nodes"]
        for r in unit["serviceRecords"]["nodes"]
    }
    assert nested == {f"Insurer:{insurer}"}


async def test_out_of_scope_ids_read_as_absent(demo: AsyncSession) -> None:
    insurer = await _first_insurer(demo)
    foreign = await demo.scalar(
        select(func.min(ServiceRecord.id)).where(ServiceRecord.insurer_id != insurer)
    )
    other = await demo.scalar(select(func.max(Insurer.id)))
    query = f"""{{
      serviceRecord(id: "ServiceRecord:{foreign}") {{ id }}
      node(id: "Insurer:{other}") {{ id }}
    }}"""
    result = await run(demo, query, scope=OneInsurer(insurer))
    assert result.errors is None
    assert result.data == {"serviceRecord": None, "node": None}
