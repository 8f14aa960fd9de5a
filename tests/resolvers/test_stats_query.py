"""The ``stats`` root field through the schema: arguments, global ids, the result's shape."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.stats import report_tree
from services.stats import Dimension, StatsInput, compute_stats
from store.repositories.stats.repository import CUSTOM_PLANS
from tests.factories.stats_world import StatsWorld, build_stats_world
from tests.resolvers.graph_helpers import SCHEMA, counting, run

QUERY = """
query Stats($groupBy: [StatsDimension!]!, $filter: StatsFilter, $level: RegionLevel) {
  stats(groupBy: $groupBy, filter: $filter, regionLevel: $level) {
    groupBy regionLevel rulesVersion
    groups {
      region { code name level }
      insurer { id name }
      industry { code name }
      year category unitsCovered
      services { delivered byCategory { category count } }
      satisfaction { responses scoreSum average distribution { score count } }
      followUp { rule workingDays onTime late overdue pending unknownDeadline
                 onTimeRate { numerator denominator ratio } }
      archive { confirmed disputed unconfirmed confirmedRate { ratio }
                organised { rule workingDays onTime late overdue } }
      complaints { filed answered needingVerification answeredRate { numerator denominator ratio }
                   answer { workingDays onTime late overdue pending }
                   verifiedAnswer { workingDays onTime pending } }
      fees { income expenditure balance }
      majorHazards { found told untold toldRate { ratio } }
    }
  }
}
"""

YEAR_2024 = {"from": "2024-01-01", "to": "2025-01-01"}


async def _stats(session: AsyncSession, **variables: Any) -> Any:
    result = await run(session, QUERY, variables)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data["stats"]


async def test_stats_by_insurer_for_one_insurer(session: AsyncSession) -> None:
    world: StatsWorld = await build_stats_world(session)
    insurer = f"Insurer:{world.a.id}"
    stats = await _stats(session, groupBy=["INSURER"], filter={**YEAR_2024, "insurers": [insurer]})
    assert (stats["groupBy"], stats["regionLevel"], stats["rulesVersion"]) == (
        ["INSURER"],
        "PROVINCE",
        "AQ9010-draft",
    )
    (group,) = stats["groups"]
    assert group["insurer"] == {"id": insurer, "name": "甲保险"}
    assert group["region"] is None and group["category"] is None and group["year"] is None
    assert group["unitsCovered"] == 2
    assert group["services"]["delivered"] == 3
    assert {c["category"]: c["count"] for c in group["services"]["byCategory"]} == {
        "TRAINING": 1,
        "RISK_ASSESSMENT": 0,
        "STANDARDIZATION": 0,
        "HAZARD_INVESTIGATION": 2,
        "EMERGENCY_PLAN": 0,
        "TECH_PROMOTION": 0,
    }
    assert group["satisfaction"]["average"] == "4.5000"
    assert group["followUp"] == {
        "rule": "R-6.3-followup",
        "workingDays": 5,
        "onTime": 2,
        "late": 0,
        "overdue": 1,
        "pending": 0,
        "unknownDeadline": 0,
        "onTimeRate": {"numerator": 2, "denominator": 3, "ratio": "0.6667"},
    }
    assert group["archive"]["organised"]["workingDays"] == 10
    assert group["complaints"]["answeredRate"] == {
        "numerator": 1,
        "denominator": 2,
        "ratio": "0.5000",
    }
    assert group["fees"] == {"income": "9499.75", "expenditure": "3000.50", "balance": "6499.25"}
    assert group["majorHazards"] == {
        "found": 3,
        "told": 2,
        "untold": 1,
        "toldRate": {"ratio": "0.6667"},
    }


async def test_stats_by_region_and_category_with_labels(session: AsyncSession) -> None:
    await build_stats_world(session)
    stats = await _stats(session, groupBy=["CATEGORY", "REGION"], filter=YEAR_2024, level="CITY")
    assert stats["groupBy"] == ["REGION", "CATEGORY"]  # the statement's order, always
    keys = [(g["region"]["code"], g["region"]["level"], g["category"]) for g in stats["groups"]]
    assert ("410000", "PROVINCE", "HAZARD_INVESTIGATION") in keys  # 济源市's service
    assert ("440300", "CITY", None) in keys  # policies, complaints, ledger of the city
    names = {g["region"]["code"]: g["region"]["name"] for g in stats["groups"]}
    assert names == {"410000": "河南省", "410100": "郑州市", "440300": "深圳市"}


@pytest.mark.parametrize(
    ("group_by", "stats_filter", "aggregates"),
    [
        (["REGION", "INSURER", "YEAR"], YEAR_2024, 1),
        (["REGION", "INDUSTRY"], YEAR_2024, 1),
        (["INSURER"], {"region": "440000"}, 1),  # an open range: the whole calendar, bound
        ([], {}, 1),
        (["YEAR"], {"from": "2024-01-01"}, 2),  # the policies' span first, for their years
    ],
)
async def test_statements_per_stats_request(
    session: AsyncSession,
    backend: str,
    group_by: list[str],
    stats_filter: dict[str, str],
    aggregates: int,
) -> None:
    """One aggregate statement whatever the groups and the range; on PostgreSQL the plan
    setting before it (store/repositories/stats/repository.py)."""
    await build_stats_world(session)
    with counting(session) as seen:
        await _stats(session, groupBy=group_by, filter=stats_filter)
    settings = [q for q in seen.queries if q == CUSTOM_PLANS]
    assert len(settings) == (1 if backend == "postgresql" else 0)
    assert seen.count - len(settings) == aggregates


def _fields(type_name: str) -> dict[str, Any]:
    gql_type = SCHEMA._schema.get_type(type_name)
    assert isinstance(gql_type, GraphQLObjectType)
    return dict(gql_type.fields)


def _check_keys(type_name: str, tree: dict[str, Any]) -> None:
    """The tree has exactly the schema's fields, all the way down."""
    fields = _fields(type_name)
    assert set(tree) == set(fields), type_name
    for name, field in fields.items():
        named = get_named_type(field.type)
        value = tree[name]
        if isinstance(named, GraphQLObjectType) and value is not None:
            for item in value if isinstance(value, list) else [value]:
                _check_keys(named.name, item)


async def test_the_report_has_every_field_of_the_schema(session: AsyncSession) -> None:
    world = await build_stats_world(session)
    data = StatsInput(group_by=tuple(Dimension))
    report = await compute_stats(session, data, today=date(2025, 1, 3))
    assert report.groups and any(g.insurer and g.insurer.key == world.a.id for g in report.groups)
    _check_keys("StatsResult", report_tree(report))


async def test_aliases_fragments_directives_and_typename(session: AsyncSession) -> None:
    world = await build_stats_world(session)
    query = """
    query Aliased($skip: Boolean!) {
      figures: stats(groupBy: [INSURER], filter: {from: "2024-01-01", to: "2025-01-01"}) {
        __typename
        groups {
          who: insurer { id }
          ...Counts
          fees @skip(if: $skip) { income }
          archive @include(if: $skip) { confirmed }
        }
      }
    }
    fragment Counts on StatsGroup {
      unitsCovered
      followUp { rule rate: onTimeRate { ratio } }
      again: unitsCovered
    }
    """
    result = await run(session, query, {"skip": True})
    assert result.errors is None, result.errors
    assert result.data is not None
    figures = result.data["figures"]
    assert figures["__typename"] == "StatsResult"
    first = figures["groups"][0]
    assert list(first) == ["who", "unitsCovered", "followUp", "again", "archive"]
    assert first["who"] == {"id": f"Insurer:{world.a.id}"}
    assert first["followUp"] == {"rule": "R-6.3-followup", "rate": {"ratio": "0.6667"}}
    assert first["again"] == first["unitsCovered"] == 2


async def test_a_bad_insurer_id_is_a_readable_error(session: AsyncSession) -> None:
    result = await run(
        session, QUERY, {"groupBy": [], "filter": {"insurers": ["Insurer:1", "Unit:3"]}}
    )
    assert result.errors is not None
    (error,) = result.errors
    assert error.extensions is not None
    assert error.extensions["code"] == "INVALID_INPUT"
    assert [(e["code"], e["field"]) for e in error.extensions["errors"]] == [
        ("BAD_GLOBAL_ID", "filter.insurers[1]")
    ]


async def test_refused_arguments_keep_their_codes(session: AsyncSession) -> None:
    result = await run(
        session,
        QUERY,
        {"groupBy": ["YEAR", "YEAR"], "filter": {"from": "2024-03-01", "to": "2024-03-01"}},
    )
    assert result.errors is not None
    (error,) = result.errors
    assert error.extensions is not None
    assert [(e["code"], e["field"]) for e in error.extensions["errors"]] == [
        ("DUPLICATE_DIMENSION", "groupBy[1]"),
        ("DATE_ORDER", "filter.to"),
    ]
    assert "filter.to" in error.message
