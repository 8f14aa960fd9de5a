"""The static cost estimate on the real schema (resolvers/limits/cost.py): the numbers a
client can work out by hand from the rules in that module's docstring."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from graphql import parse

from resolvers.limits.config import OperationLimits
from resolvers.limits.cost import estimate
from server.role_tables import COST_CEILINGS
from services.identity import PUBLIC, Identity, RoleGrant
from store.enums import Role
from tests.resolvers.test_stats_query import QUERY as STATS_QUERY


def cost(schema: strawberry.Schema, query: str, variables: dict[str, Any] | None = None) -> int:
    return estimate(schema._schema, parse(query), variables)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("{ __typename }", 0, id="a leaf costs nothing"),
        pytest.param("{ viewer { name roles } }", 1, id="an object costs 1"),
        pytest.param(
            "{ agencies(first: 1) { nodes { staff { name } } } }",
            1 + 1 * (1 + 50),
            id="an unpaginated list: 50",
        ),
        pytest.param("{ serviceCategories { code } }", 6, id="a vocabulary: its length"),
        pytest.param("{ serviceRecords { totalCount } }", 1, id="a count reads no rows"),
        pytest.param("{ serviceRecords { nodes { id } } }", 1 + 50, id="default page: 50"),
        pytest.param(
            "{ serviceRecords(first: 10) { edges { node { id unit { name } } } "
            "pageInfo { hasNextPage } } }",
            1 + 10 * (1 + 1 + 1) + 1,
            id="edges: the edge, its node, the node's objects",
        ),
        pytest.param(
            "{ serviceRecords(last: 7) { nodes { id } } }", 1 + 7, id="last counts like first"
        ),
        pytest.param(
            "{ agencies(first: 10) { nodes { staff { name } "
            "serviceRecords(first: 20) { nodes { id } } } } }",
            1 + 10 * (1 + 50 * 1 + (1 + 20 * 1)),
            id="nested lists multiply",
        ),
        pytest.param(
            "{ serviceRecords(first: 1000) { nodes { id unit { name } insurer { name } } } }",
            3001,
            id="a full page with two relations",
        ),
        pytest.param(
            "{ a: serviceRecords(first: 5) { nodes { id } } b: serviceRecords(first: 5) "
            "{ nodes { id } } }",
            2 * (1 + 5),
            id="aliases add up",
        ),
        pytest.param("{ __schema { types { fields { name } } } }", 0, id="introspection"),
        pytest.param(
            '{ node(id: "ServiceRecord:1") { ... on ServiceRecord { unit { name } } '
            "... on Complaint { unit { name } } } }",
            1 + 1 + 1,
            id="every inline fragment counts (an upper bound)",
        ),
    ],
)
def test_cost_of_a_document(schema: strawberry.Schema, query: str, expected: int) -> None:
    assert cost(schema, query) == expected


def test_fragments_count_once_per_spread_and_keep_the_page_size(
    schema: strawberry.Schema,
) -> None:
    query = """
        { a: serviceRecords(first: 10) { ...Rows } b: serviceRecords(first: 3) { ...Rows } }
        fragment Rows on ServiceRecordConnection { nodes { ...Row } }
        fragment Row on ServiceRecord { unit { name } }
    """
    assert cost(schema, query) == (1 + 10 * 2) + (1 + 3 * 2)


def test_page_size_from_variables(schema: strawberry.Schema) -> None:
    query = "query($n: Int) { serviceRecords(first: $n) { nodes { id } } }"
    assert cost(schema, query, {"n": 200}) == 1 + 200
    assert cost(schema, query, {}) == 1 + 50  # absent: the default page
    assert cost(schema, query, {"n": "many"}) == 1 + 50  # refused by coercion anyway
    assert cost(schema, query, {"n": -5}) == 1  # refused by the page-size check anyway


def test_a_fragment_bomb_is_measured_in_linear_time(schema: strawberry.Schema) -> None:
    """Each fragment spreads the next twice: 2^40 expansions, priced without doing them."""
    fragments = [
        f"fragment F{i} on ServiceRecordConnection {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40)
    ]
    fragments.append("fragment F40 on ServiceRecordConnection { nodes { id } }")
    query = "{ serviceRecords(first: 1) { ...F0 } }\n" + "\n".join(fragments)
    assert cost(schema, query) == 1 + 2**40


def test_the_ceiling_is_the_most_generous_of_the_roles() -> None:
    limits = OperationLimits(
        max_depth=10,
        max_aliases=15,
        max_tokens=1000,
        max_fields=250,
        max_directives=50,
        cost_ceilings={role: 100 * (i + 1) for i, role in enumerate(Role)},
        introspection=False,
        suggestions=False,
        statement_timeout_ms=0,
    )
    ceilings = limits.cost_ceilings
    both = Identity(
        name="x",
        display_name="x",
        grants=(RoleGrant(role=Role.UNIT, unit_id=1), RoleGrant(role=Role.REGULATOR)),
    )
    nobody = Identity(name="y", display_name="y")
    assert limits.cost_ceiling(both) == max(ceilings[Role.UNIT], ceilings[Role.REGULATOR])
    assert limits.cost_ceiling(PUBLIC) == ceilings[Role.PUBLIC]
    assert limits.cost_ceiling(nobody) == ceilings[Role.PUBLIC]


def test_the_public_statistics_fit_the_public_ceiling(schema: strawberry.Schema) -> None:
    """The full statistics query (every measure, by region): 50 groups of 29."""
    assert cost(schema, STATS_QUERY) == 1 + 50 * 29
    assert cost(schema, STATS_QUERY) <= COST_CEILINGS[Role.PUBLIC]
