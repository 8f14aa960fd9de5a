"""The search twin of tests/policies/test_folded_jurisdictions.py: on the seeded demo data and
on both backends (SQLite FTS5, OpenSearch), an identity with several jurisdiction grants —
folded into one ``terms`` filter per industry set (policies/jurisdictions.py) — finds exactly
the union of the documents each grant finds alone."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from search.backend import SearchBackend
from search.documents import DOC_TYPES
from search.reindex import reindex
from services.identity import Identity, RoleGrant
from services.search_request import SearchFilters, build_request
from store.enums import Role
from tests.policies.test_folded_jurisdictions import MANY, MIXED
from tests.search.conftest import SEARCH_BACKENDS, open_backend

DECISIONS = Decisions(default_rules())


@pytest.fixture(scope="module", params=SEARCH_BACKENDS)
async def indexed(
    request: pytest.FixtureRequest,
    seeded: AsyncConnection,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[SearchBackend]:
    backend = await open_backend(request.param, tmp_path_factory.mktemp("folded"))
    sessions = async_sessionmaker(bind=seeded, join_transaction_mode="create_savepoint")
    report = await reindex(sessions, backend, progress=False)
    assert report.failed == {}
    await backend.refresh()
    try:
        yield backend
    finally:
        await backend.drop_all()
        await backend.close()


async def _found(backend: SearchBackend, grants: tuple[RoleGrant, ...]) -> set[tuple[str, str]]:
    scope = Scope(
        Identity("folded", "多个管辖区 / several jurisdictions", grants), DECISIONS.decide
    )
    request = build_request(
        scope, (), DOC_TYPES, SearchFilters(), offset=0, size=10_000, region_level=None
    )
    assert request is not None
    result = await backend.search(request)
    assert result.total == len(result.hits)  # one page holds them all
    return {(hit.doc_type, hit.doc_id) for hit in result.hits}


@pytest.mark.parametrize(
    "grants",
    [MANY, MIXED, tuple(RoleGrant(Role.REGULATOR, region_code=p) for p in ("440000", "410000"))],
)
async def test_several_jurisdictions_find_the_union(
    demo: AsyncSession, indexed: SearchBackend, grants: tuple[RoleGrant, ...]
) -> None:
    union = set().union(*[await _found(indexed, (grant,)) for grant in grants])
    assert len({doc_type for doc_type, _ in union}) >= 3
    assert await _found(indexed, grants) == union
