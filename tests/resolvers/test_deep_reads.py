"""Every nesting the gateway lets through answers on SQLite as on PostgreSQL (issue 3).

The paths come from the schema (deep_paths.py): one per signature up to the depth limit
of the settings, each checked against a naive level-by-level answer on the seeded data, on
both backends. PostgreSQL answers each in one statement; SQLite in one while the statement
fits its parser, else one more per deferred field (store/repositories/graph/split.py) —
never more than the path has relation levels, never per row.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse
from sqlalchemy import bindparam, func, literal, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.limits.depth import depth
from server.settings import Settings
from services.principal_auth import identity_for
from store.models import InsuredUnit
from store.repositories.graph.plans import PLANS
from store.repositories.graph.split import parses
from tests.resolvers.audit_sink import Collected, audited_context
from tests.resolvers.deep_paths import PAGE, Hop, Path, entity_of, naive, signatures
from tests.resolvers.graph_helpers import SCHEMA, counting, run

MAX_DEPTH: int = Settings.model_fields["limit_depth"].default
PATHS = signatures(SCHEMA._schema, MAX_DEPTH)


def test_the_paths_reach_the_depth_limit_in_every_kind() -> None:
    kinds = {hop.kind for path in PATHS.values() for hop in path.hops}
    assert kinds == {"one", "list", "nodes", "edges"}
    assert {p.root_kind for p in PATHS.values()} == {"object", "nodes", "edges"}
    assert max(p.depth for p in PATHS.values()) == MAX_DEPTH
    assert SPLIT.depth == MAX_DEPTH and SPLIT.signature_key in PATHS
    for path in PATHS.values():  # the gateway counts them as the walk does
        assert depth(parse(path.query("X:1"))) == path.depth


async def _root_keys(session: AsyncSession, path: Path, page: int = PAGE) -> list[Any]:
    _, spec = entity_of(path.type_name)
    pk = getattr(spec.model, spec.pk)
    limit = 1 if path.root_kind == "object" else page
    return list((await session.scalars(select(pk).order_by(pk).limit(limit))).all())


@pytest.mark.parametrize("path", list(PATHS.values()), ids=lambda p: p.query("k"))
async def test_a_deep_read_answers_as_level_by_level(
    demo: AsyncSession, backend: str, path: Path
) -> None:
    keys = await _root_keys(demo, path)
    query = path.query(f"{path.type_name}:{keys[0]}")
    with counting(demo) as statements:
        result = await run(demo, query)

    assert result.errors is None, result.errors
    assert result.data is not None
    expected = await naive(demo, path, keys)
    if path.root_kind == "object":
        assert result.data[path.root] == expected[0]
    elif path.root_kind == "nodes":
        assert result.data[path.root]["nodes"] == expected
    else:
        assert result.data[path.root]["edges"] == [{"node": n} for n in expected]
    if backend == "postgresql":
        assert statements.count == 1
    else:
        assert 1 <= statements.count <= 1 + len(path.hops)


# Measured: SQLite answers it in two statements, PostgreSQL in one (its signature is one of
# PATHS': the walk above checks its answer too).
SPLIT = Path(
    "hazards",
    "nodes",
    "Hazard",
    (
        Hop("serviceRecord", "one", "ServiceRecord"),
        Hop("unit", "one", "InsuredUnit"),
        Hop("policies", "edges", "InsurancePolicy"),
        Hop("serviceRecords", "nodes", "ServiceRecord"),
    ),
)


async def test_a_split_plan_is_cached_and_runs_with_other_values(
    demo: AsyncSession, backend: str
) -> None:
    """The plan cache keeps a read's statements, deferred ones included (plans.py): the
    second read of the shape builds nothing and answers for its own page sizes."""
    path = SPLIT
    PLANS.clear()
    counts = []
    for page in (2, 1, 3):
        keys = await _root_keys(demo, path, page)
        with counting(demo) as statements:
            result = await run(demo, path.query(page=page))
        assert result.errors is None, result.errors
        assert result.data is not None
        assert result.data[path.root]["nodes"] == await naive(demo, path, keys, page)
        counts.append(statements.count)

    assert (PLANS.misses, PLANS.hits) == (1, 2)
    assert counts == ([1, 1, 1] if backend == "postgresql" else [2, 2, 2])


def _ids(value: Any, found: dict[str, set[str]]) -> None:
    if isinstance(value, list):
        for item in value:
            _ids(item, found)
    elif isinstance(value, dict):
        if "id" in value:
            type_name, _, key = value["id"].partition(":")
            found.setdefault(type_name, set()).add(key)
        for item in value.values():
            _ids(item, found)


async def test_a_split_read_audits_every_row_it_returned(demo: AsyncSession, backend: str) -> None:
    """The deferred statements bring their rows' audit pairs with them (split.py): the audit
    entry of a read SQLite splits lists exactly the rows of every level of the response."""
    identity = await identity_for(demo, "demo-regulator-gd")
    assert identity is not None
    sink = Collected()
    context = audited_context(demo, identity, sink)
    with counting(demo) as statements:
        result = await SCHEMA.execute(SPLIT.query(), context_value=context)
    assert result.errors is None, result.errors
    returned: dict[str, set[str]] = {}
    _ids(result.data, returned)
    entry = sink.only

    assert returned.keys() == {"Hazard", "ServiceRecord", "InsuredUnit", "InsurancePolicy"}
    assert {t: {str(k) for k in keys} for t, keys in entry.rows.items()} == returned
    assert entry.omitted == {}
    assert statements.count == (1 if backend == "postgresql" else 2)


FILTERED = Path(
    "insuredUnits",
    "nodes",
    "InsuredUnit",
    (
        Hop("policies", "nodes", "InsurancePolicy"),
        Hop("serviceRecords", "nodes", "ServiceRecord"),
        Hop("hazards", "list", "Hazard"),
        Hop("serviceRecord", "one", "ServiceRecord"),
    ),
)


async def test_a_split_read_under_a_list_filter(demo: AsyncSession, backend: str) -> None:
    """A filter's IN list (a placeholder SQLAlchemy expands per request) in a read SQLite
    splits: the list reaches the main statement, the deferred one answers its rows."""
    industries = ["B06", "C13"]
    unit = InsuredUnit.id
    wanted = select(unit).where(InsuredUnit.industry_code.in_(industries)).order_by(unit)
    keys = list((await demo.scalars(wanted.limit(PAGE))).all())
    query = "query($industry: [String!]) " + FILTERED.query().replace(
        f"insuredUnits(first: {PAGE})",
        f"insuredUnits(first: {PAGE}, filter: {{industry: $industry}})",
    )
    with counting(demo) as statements:
        result = await run(demo, query, {"industry": industries})

    assert result.errors is None, result.errors
    assert result.data is not None
    assert len(keys) == PAGE
    assert result.data["insuredUnits"]["nodes"] == await naive(demo, FILTERED, keys)
    assert statements.count == (1 if backend == "postgresql" else 2)


def test_the_parse_check_reads_an_in_list_as_one_parameter() -> None:
    """Compiled without its values, an IN list is ``__[POSTCOMPILE_v]``, which SQLite's
    tokenizer refuses before a deeper part is parsed: the check must not take that for a
    statement that parses."""
    deep: Any = literal(1)
    for _ in range(40):  # 40 calls of ~3 entries each: past the parser's 100
        deep = func.json(deep)
    listed = literal_column("x").in_(bindparam("v", expanding=True))

    assert parses(select(listed, func.json(literal(1))))
    assert not parses(select(deep))
    assert not parses(select(listed, deep))
