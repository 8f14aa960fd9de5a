"""The scope's and the filters' semi-joins on one key are one (store/repositories/graph/
semijoin.py): on the seeded demo data, SQLite and PostgreSQL, a regulator's filtered pages
answer exactly what the separate conditions answer, with one scan of the units fewer per
filter; conditions of any other shape are kept as they are."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from services.identity import Identity, RoleGrant
from store import models as m
from store.enums import Role
from store.repositories.graph import compiler
from store.repositories.graph.semijoin import merged
from tests.resolvers.graph_helpers import counting, run

DECISIONS = Decisions(default_rules())
UNITS = m.InsuredUnit


def _units(condition: ColumnElement[bool]) -> Any:
    return select(UNITS.id).where(condition)


def test_two_key_sets_of_one_table_on_one_column_are_one() -> None:
    gd = m.ServiceRecord.unit_id.in_(_units(UNITS.region_code == "440000").correlate(None))
    chem = m.ServiceRecord.unit_id.in_(_units(UNITS.industry_code == "C26"))
    done = m.ServiceRecord.completed_at.is_not(None)
    (first, second) = merged([gd, done, chem])
    assert second is done
    sql = str(first)
    assert sql.count("FROM insured_unit") == 1
    assert "insured_unit.region_code = " in sql and "insured_unit.industry_code = " in sql


@pytest.mark.parametrize(
    "other",
    [
        # another column of the outer row
        m.ServiceRecord.responsible_agency_id.in_(_units(UNITS.industry_code == "C26")),
        # not the table's key: a unit may hold several policies
        m.ServiceRecord.unit_id.in_(
            select(m.InsurancePolicy.unit_id).where(m.InsurancePolicy.insurer_id == 1)
        ),
        # a join inside: not one table's rows
        m.ServiceRecord.unit_id.in_(
            select(UNITS.id)
            .join(m.Region, m.Region.code == UNITS.region_code)
            .where(m.Region.name == "x")
        ),
        # a limit: not the set of rows meeting a condition
        m.ServiceRecord.unit_id.in_(_units(UNITS.industry_code == "C26").limit(3)),
        # a list of values, no subquery
        m.ServiceRecord.unit_id.in_([1, 2]),
    ],
)
def test_other_shapes_are_kept(other: ColumnElement[bool]) -> None:
    gd = m.ServiceRecord.unit_id.in_(_units(UNITS.region_code == "440000"))
    assert merged([gd, other]) == [gd, other]


class Unkeyed:
    """A scope's conditions without its plan key: every read is built afresh."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def where(self, entity: Any) -> ColumnElement[bool]:
        return self.scope.where(entity)


QUERY = """query($filter: %sFilter) {
  %s(first: 1000, filter: $filter) { totalCount nodes { id } } }"""
CASES = [
    ("ServiceRecord", "serviceRecords", {"region": "440100"}),
    ("ServiceRecord", "serviceRecords", {"region": "440100", "industry": ["C26", "C38"]}),
    ("Complaint", "complaints", {"region": "440000"}),
    ("FeeLedgerEntry", "feeLedgerEntries", {"region": "440300"}),
    ("InsurancePolicy", "insurancePolicies", {"region": "410000"}),  # outside: nothing
]


@pytest.mark.parametrize(("type_name", "field", "filter"), CASES)
async def test_merged_pages_answer_as_the_separate_conditions(
    demo: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
    type_name: str,
    field: str,
    filter: dict[str, Any],
) -> None:
    grant = RoleGrant(Role.REGULATOR, region_code="440000")
    scope = Unkeyed(Scope(Identity("gd", "广东", (grant,)), DECISIONS.decide))
    query, variables = QUERY % (type_name, field), {"filter": filter}

    async def page() -> tuple[Any, int]:
        with counting(demo) as statements:
            result = await run(demo, query, variables, scope=scope)
        assert result.errors is None, result.errors
        (sql,) = statements.queries
        return result.data, sql.count("FROM insured_unit")

    got, scans = await page()
    monkeypatch.setattr(compiler, "merged", list)
    separate, separate_scans = await page()
    assert got == separate
    assert scans < separate_scans
    if filter["region"] != "410000":
        assert got[field]["totalCount"] == len(got[field]["nodes"]) > 0
    else:
        assert got[field]["totalCount"] == 0
