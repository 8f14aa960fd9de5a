"""The compiled read path on the seeded demo data, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.reading import MAX_PAGE_SIZE
from store.models import InsurancePolicy, InsuredUnit, RegionAncestor, ServiceRecord
from tests.resolvers.graph_helpers import counting, data, error_codes, run

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String,
      $order: ServiceRecordOrder, $filter: ServiceRecordFilter) {
  serviceRecords(first: $first, after: $after, last: $last, before: $before,
                 orderBy: $order, filter: $filter) {
    edges { cursor node { id completedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

WIDE = """
query($first: Int) {
  serviceRecords(first: $first) {
    totalCount
    edges { node {
      id category status completedAt
      unit { name creditCode region { name parent { name } } industry { name } }
      insurer { code name }
      hazards { isMajor toldAt }
      followUps { satisfaction visitedAt }
    } }
  }
}
"""


async def _walk(session: AsyncSession, page: int, **variables: Any) -> list[str]:
    """Every id of the list, page by page, forward."""
    ids: list[str] = []
    after = None
    while True:
        got = (await data(session, PAGE, {"first": page, "after": after, **variables}))[
            "serviceRecords"
        ]
        ids += [e["node"]["id"] for e in got["edges"]]
        if not got["pageInfo"]["hasNextPage"]:
            return ids
        after = got["pageInfo"]["endCursor"]


async def test_one_statement_whatever_the_page_size(demo: AsyncSession) -> None:
    counts = []
    for first in (1, 10, 200):
        with counting(demo) as statements:
            result = await data(demo, WIDE, {"first": first})
        assert len(result["serviceRecords"]["edges"]) == first
        counts.append(statements.count)
    # to-one hops, lists and the total all live in the one statement per root field
    assert counts == [1, 1, 1]


async def test_keyset_pages_cover_the_list_exactly_once(demo: AsyncSession) -> None:
    order = {"field": "COMPLETED_AT", "direction": "DESC"}
    whole = await _walk(demo, MAX_PAGE_SIZE, order=order)
    assert len(whole) == await demo.scalar(select(func.count()).select_from(ServiceRecord))
    assert await _walk(demo, 97, order=order) == whole
    assert len(set(whole)) == len(whole)


async def test_nulls_sort_last_in_both_directions(demo: AsyncSession) -> None:
    for direction in ("ASC", "DESC"):
        got = await data(
            demo,
            PAGE,
            {"first": MAX_PAGE_SIZE, "order": {"field": "COMPLETED_AT", "direction": direction}},
        )
        times = [e["node"]["completedAt"] for e in got["serviceRecords"]["edges"]]
        present = [t for t in times if t is not None]
        assert times[: len(present)] == present  # every NULL after every value
        assert present == sorted(present, reverse=direction == "DESC")


async def test_backward_pages_mirror_forward_pages(demo: AsyncSession) -> None:
    order = {"field": "COMPLETED_AT", "direction": "ASC"}
    forward = await data(demo, PAGE, {"first": 30, "order": order})
    edges = forward["serviceRecords"]["edges"]
    before = edges[25]["cursor"]
    backward = await data(demo, PAGE, {"last": 10, "before": before, "order": order})
    got = backward["serviceRecords"]
    assert [e["node"]["id"] for e in got["edges"]] == [e["node"]["id"] for e in edges[15:25]]
    assert got["pageInfo"]["hasPreviousPage"] is True
    assert got["pageInfo"]["startCursor"] == edges[15]["cursor"]
    assert got["pageInfo"]["endCursor"] == edges[24]["cursor"]


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"first": MAX_PAGE_SIZE + 1}, "PAGE_SIZE_EXCEEDED"),
        ({"first": -1}, "PAGE_SIZE_NEGATIVE"),
        ({"first": 5, "last": 5}, "PAGE_ARGS_CONFLICT"),
        ({"first": 5, "after": "id:asc|x|1"}, "BAD_CURSOR"),
        ({"first": 5, "after": "completed_at:asc|2026-01-01T00:00:00+00:00|1"}, "BAD_CURSOR"),
        ({"first": 5, "filter": {"insurer": ["InsuredUnit:1"]}}, "BAD_ID"),
    ],
)
async def test_bad_page_arguments_are_errors_not_truncation(
    demo: AsyncSession, variables: dict[str, Any], code: str
) -> None:
    result = await run(demo, PAGE, variables)
    assert result.data is None or result.data.get("serviceRecords") is None
    assert error_codes(result) == [code]
    extensions = (result.errors or [])[0].extensions or {}
    assert extensions["messageZh"]


async def test_region_filter_uses_the_hierarchy_not_the_digits(demo: AsyncSession) -> None:
    # 419001 济源市 hangs under 410000 河南省 although its digits say "41 90".
    below_henan = select(RegionAncestor.region_code).where(RegionAncestor.ancestor_code == "410000")
    expected = await demo.scalar(
        select(func.count())
        .select_from(ServiceRecord)
        .join(InsuredUnit, InsuredUnit.id == ServiceRecord.unit_id)
        .where(InsuredUnit.region_code.in_(below_henan))
    )
    query = """query($f: ServiceRecordFilter) { serviceRecords(filter: $f) { totalCount } }"""
    got = await data(demo, query, {"f": {"region": "410000"}})
    assert got["serviceRecords"]["totalCount"] == expected
    jiyuan = await data(demo, query, {"f": {"region": "419001"}})
    inside = await data(demo, query, {"f": {"region": "410000", "unitCreditCode": None}})
    assert 0 < jiyuan["serviceRecords"]["totalCount"] <= inside["serviceRecords"]["totalCount"]


async def test_scalars_render_as_strawberry_would(demo: AsyncSession) -> None:
    # Plain rows, read before the request: the request's transaction closes the session.
    policy = (
        await demo.execute(
            select(
                InsurancePolicy.id,
                InsurancePolicy.period_start,
                InsurancePolicy.period_end,
                InsurancePolicy.premium,
                InsurancePolicy.prevention_fee_ratio,
            ).limit(1)
        )
    ).one()
    record = (
        await demo.execute(
            select(
                ServiceRecord.id,
                ServiceRecord.completed_at,
                ServiceRecord.category,
                ServiceRecord.status,
            )
            .where(ServiceRecord.completed_at.is_not(None))
            .limit(1)
        )
    ).one()
    query = """query($p: ID!, $r: ID!) {
        insurancePolicy(id: $p) {
          id policyNo periodStart premium preventionFeeRatio createdAt: periodEnd
          unit { aboveDesignatedSize staffCount } }
        serviceRecord(id: $r) { completedAt category status } }"""
    got = await data(
        demo, query, {"p": f"InsurancePolicy:{policy.id}", "r": f"ServiceRecord:{record.id}"}
    )
    p = got["insurancePolicy"]
    assert p["id"] == f"InsurancePolicy:{policy.id}"
    assert p["periodStart"] == policy.period_start.isoformat()
    assert p["createdAt"] == policy.period_end.isoformat()  # aliases are response keys
    assert p["premium"] == str(policy.premium)  # "12345.60": the column's scale, as a string
    assert p["preventionFeeRatio"] == str(policy.prevention_fee_ratio)
    assert isinstance(p["unit"]["aboveDesignatedSize"], bool)
    r = got["serviceRecord"]
    assert r["completedAt"] == record.completed_at.isoformat()
    assert r["category"] == record.category.name
    assert r["status"] == record.status.name


async def test_fragments_aliases_and_directives(demo: AsyncSession) -> None:
    query = """
    query($skip: Boolean!) {
      a: serviceRecords(first: 2) { nodes { ...F } }
      b: serviceRecords(first: 2) { nodes { id unit @skip(if: $skip) { name } } }
    }
    fragment F on ServiceRecord { id ... on ServiceRecord { kind: category } __typename }
    """
    got = await data(demo, query, {"skip": True})
    first = got["a"]["nodes"][0]
    assert set(first) == {"id", "kind", "__typename"}
    assert first["__typename"] == "ServiceRecord"
    assert set(got["b"]["nodes"][0]) == {"id"}


async def test_absent_and_foreign_ids(demo: AsyncSession) -> None:
    got = await data(
        demo,
        """{ serviceRecord(id: "ServiceRecord:999999999") { id }
             node(id: "Nothing:1") { id } region: node(id: "Region:440300") { id } }""",
    )
    assert got == {"serviceRecord": None, "node": None, "region": {"id": "Region:440300"}}
    result = await run(demo, """{ serviceRecord(id: "Insurer:1") { id } }""")
    assert error_codes(result) == ["BAD_ID"]
