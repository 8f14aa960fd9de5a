"""The operation guard at the schema level (resolvers/limits/guard.py): each limit at its
boundary, the structural limits before the spec's rules, fragments counted per spread."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
import strawberry
from graphql import get_introspection_query, parse, specified_rules

from resolvers.limits import guard
from resolvers.limits.config import OperationLimits
from resolvers.root import build_schema
from store.enums import Role

LIMITS = OperationLimits(
    max_depth=10,
    max_aliases=15,
    max_tokens=1000,
    max_fields=250,
    max_directives=50,
    cost_ceilings=dict.fromkeys(Role, 2000),
    introspection=False,
    suggestions=False,
    statement_timeout_ms=0,
)


@pytest.fixture(scope="module")
def production() -> strawberry.Schema:
    return build_schema(LIMITS)


@pytest.fixture(scope="module")
def development() -> strawberry.Schema:
    return build_schema(replace(LIMITS, introspection=True, suggestions=True))


async def codes(schema: strawberry.Schema, query: str) -> list[str]:
    """The codes of the refusals. An operation that passes runs into resolvers that need a
    request context (absent here): their masked errors carry no code."""
    result = await schema.execute(query)
    found = [(e.extensions or {}).get("code") for e in result.errors or ()]
    return [code for code in found if code is not None]


def nested(levels: int) -> str:
    """``regions { nodes { parent { … name } } }``: ``levels`` fields deep."""
    parents = levels - 3
    return "{ regions { nodes { " + "parent { " * parents + "name" + " }" * parents + " } } }"


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"


@pytest.mark.parametrize(
    ("allowed", "refused", "code"),
    [
        (nested(10), nested(11), "DEPTH_LIMIT_EXCEEDED"),
        (aliased(15), aliased(16), "ALIAS_LIMIT_EXCEEDED"),
        (
            "{ " + "__typename " * 250 + "}",
            "{ " + "__typename " * 251 + "}",
            "FIELD_LIMIT_EXCEEDED",
        ),
        (
            "{ " + "__typename @include(if: true) " * 50 + "}",
            "{ " + "__typename @include(if: true) " * 51 + "}",
            "DIRECTIVE_LIMIT_EXCEEDED",
        ),
        (  # 3 tokens, then comments: they count too
            "{ __typename }" + "\n#" * 997,
            "{ __typename }" + "\n#" * 998,
            "TOKEN_LIMIT_EXCEEDED",
        ),
    ],
    ids=["depth", "aliases", "fields", "directives", "tokens"],
)
async def test_each_limit_at_its_boundary(
    production: strawberry.Schema, allowed: str, refused: str, code: str
) -> None:
    assert await codes(production, allowed) == []
    assert await codes(production, refused) == [code]


async def test_structural_limits_run_before_the_spec_rules(production: strawberry.Schema) -> None:
    """An invalid document past a limit gets the limit's refusal alone: the spec's rules
    (OverlappingFieldsCanBeMerged is quadratic) never see it."""
    hostile = "{ " + "nosuch " * 300 + "}"
    assert await codes(production, hostile) == ["FIELD_LIMIT_EXCEEDED"]


async def test_fragments_count_once_per_spread(production: strawberry.Schema) -> None:
    """Strawberry advisory GHSA-fr49-mhgj-crfc: 8 aliases spread twice are 16."""
    query = """
        { viewer { ...Eight } again: viewer { ...Eight } }
        fragment Eight on Viewer { a: name b: name c: name d: name e: name f: name g: name h: name }
    """
    assert await codes(production, query) == ["ALIAS_LIMIT_EXCEEDED"]


async def test_a_fragment_bomb_is_refused_in_linear_time(production: strawberry.Schema) -> None:
    fragments = [f"fragment F{i} on Viewer {{ ...F{i + 1} ...F{i + 1} }}" for i in range(60)]
    fragments.append("fragment F60 on Viewer { alias: name }")
    query = "{ viewer { ...F0 } }\n" + "\n".join(fragments)
    started = time.perf_counter()
    assert await codes(production, query) == ["ALIAS_LIMIT_EXCEEDED", "FIELD_LIMIT_EXCEEDED"]
    assert time.perf_counter() - started < 1.0  # 2^60 spreads, measured without expanding


async def test_fragment_cycles_are_refused_before_expansion(
    development: strawberry.Schema,
) -> None:
    query = """
        { viewer { ...A } }
        fragment A on Viewer { name ...B }
        fragment B on Viewer { ...C }
        fragment C on Viewer { ...A }
    """
    assert await codes(development, query) == ["FRAGMENT_CYCLE"]


async def test_the_spec_rules_errors_are_coded(production: strawberry.Schema) -> None:
    cycle = parse("{ viewer { ...A } } fragment A on Viewer { ...A }")
    found = guard.specified(cycle, production._schema, (), LIMITS)
    assert found == []  # no rules, no errors
    found = guard.specified(cycle, production._schema, tuple(specified_rules), LIMITS)
    assert {(e.extensions or {})["code"] for e in found} == {"FRAGMENT_CYCLE"}
    assert await codes(production, "{ viewer { nosuch } }") == ["GRAPHQL_VALIDATION_FAILED"]


async def test_introspection_off_refuses_schema_and_type_but_not_typename(
    production: strawberry.Schema,
) -> None:
    assert await codes(production, '{ __type(name: "Query") { name } }') == [
        "INTROSPECTION_DISABLED"
    ]
    assert await codes(production, "{ viewer { __schema: name } }") == []  # an alias is a name
    assert await codes(production, "{ __typename }") == []


async def test_graphiql_schema_query_passes_every_limit(development: strawberry.Schema) -> None:
    """GraphiQL's introspection query, with every option it may ask for."""
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    result = await development.execute(query)
    assert result.errors is None
    assert result.data is not None and result.data["__schema"]["queryType"]["name"] == "Query"
