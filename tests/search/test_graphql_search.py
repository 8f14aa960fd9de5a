"""The ``search`` root field at the schema level (EXAMPLES #11) over the seeded demo data,
with the embedded backend: typed hits with snippets and their records, facets with labels,
cursors, and the stable error codes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from resolvers.context import RequestContext
from search.backend import SearchBackend
from search.reindex import reindex
from services.principal_auth import identity_for
from tests.resolvers.graph_helpers import SCHEMA, error_codes
from tests.search.conftest import open_backend

DECISIONS = Decisions(default_rules())

QUERY = """query($text: String!, $first: Int, $after: String, $filter: SearchFilter) {
  search(text: $text, first: $first, after: $after, filter: $filter) {
    totalCount hasNextPage endCursor
    hits { id type title score cursor snippets { field text }
           node { id ... on ServiceRecord { place unit { name } } } }
    facets { type { value label count } region { value label count }
             insurer { value label count } year { value count } category { value label count } }
  }
}"""


@pytest.fixture(scope="module")
async def fts(
    seeded: AsyncConnection, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[SearchBackend]:
    backend = await open_backend("fts5", tmp_path_factory.mktemp("gql"))
    sessions = async_sessionmaker(bind=seeded, join_transaction_mode="create_savepoint")
    await reindex(sessions, backend, progress=False)
    yield backend
    await backend.close()


async def _search(
    session: AsyncSession, backend: SearchBackend | None, name: str, **variables: Any
) -> Any:
    identity = await identity_for(session, name)
    assert identity is not None
    scope = Scope(identity, DECISIONS.decide)
    context = RequestContext(
        request=None,  # type: ignore[arg-type]
        response=None,  # type: ignore[arg-type]
        session=session,
        identity=identity,
        scope=scope,
        mask=scope,
        search=backend,
    )
    return await SCHEMA.execute(QUERY, variable_values=variables, context_value=context)


async def test_typed_hits_with_snippets_records_and_facets(
    demo: AsyncSession, fts: SearchBackend
) -> None:
    result = await _search(demo, fts, "demo-regulator-gd", text="隐患 配电箱", first=5)
    assert result.errors is None, result.errors
    page = result.data["search"]
    assert page["totalCount"] > 0
    hit = page["hits"][0]
    assert hit["type"] == "SERVICE_RECORD" and hit["id"].startswith("ServiceRecord:")
    assert hit["node"]["id"] == hit["id"] and hit["node"]["unit"]["name"]
    assert any("<em>配电箱</em>" in s["text"] for s in hit["snippets"])
    facets = page["facets"]
    assert sum(b["count"] for b in facets["type"]) == page["totalCount"]
    assert [b["label"] for b in facets["region"]] == ["广东省"]  # its jurisdiction only
    assert all(b["label"] for b in facets["insurer"])
    assert all(b["value"].startswith("Insurer:") for b in facets["insurer"])


async def test_cursor_pages_through(demo: AsyncSession, fts: SearchBackend) -> None:
    first = (await _search(demo, fts, "demo-regulator-gd", text="培训", first=3)).data["search"]
    second = await _search(
        demo, fts, "demo-regulator-gd", text="培训", first=3, after=first["endCursor"]
    )
    ids = [h["id"] for h in first["hits"]] + [h["id"] for h in second.data["search"]["hits"]]
    assert len(set(ids)) == 6
    whole = await _search(demo, fts, "demo-regulator-gd", text="培训", first=6)
    assert [h["id"] for h in whole.data["search"]["hits"]] == ids


async def test_filters_narrow_within_the_scope(demo: AsyncSession, fts: SearchBackend) -> None:
    result = await _search(
        demo,
        fts,
        "demo-regulator-gd",
        text="隐患",
        first=50,
        filter={"category": "HAZARD_INVESTIGATION", "year": 2024},
    )
    assert result.errors is None, result.errors
    page = result.data["search"]
    # Every hit has the category (a scheme may list others beside it: the facet counts them).
    counts = {b["value"]: b["count"] for b in page["facets"]["category"]}
    assert counts["hazard_investigation"] == page["totalCount"] > 0
    assert {b["value"] for b in page["facets"]["year"]} == {"2024"}


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"text": "隐患", "first": 101}, "PAGE_SIZE_EXCEEDED"),
        ({"text": "隐患", "after": "bm90LWEtY3Vyc29y"}, "BAD_CURSOR"),
        ({"text": "隐" * 201}, "SEARCH_TEXT_TOO_LONG"),
        ({"text": "一二 三四 五六 七八 九十 十一 十二 十三 十四"}, "SEARCH_TOO_MANY_WORDS"),
        ({"text": "隐患", "filter": {"insurer": "Unit:1"}}, "INVALID_INPUT"),
    ],
)
async def test_refusals_carry_stable_codes(
    demo: AsyncSession, fts: SearchBackend, variables: dict[str, Any], code: str
) -> None:
    result = await _search(demo, fts, "demo-regulator-gd", **variables)
    assert error_codes(result) == [code]
    assert result.errors[0].extensions["messageZh"]


async def test_no_backend_is_search_unavailable(demo: AsyncSession) -> None:
    result = await _search(demo, None, "demo-regulator-gd", text="隐患")
    assert error_codes(result) == ["SEARCH_UNAVAILABLE"]
