"""Reads outside the compiled path leave their rows in the audit log too (审计日志): search
hits (their titles and snippets show the row, with or without ``node``) and findings (each
shows its subject), with the insured units they are about, so they count in "who read this
unit". Schema level on the seeded demo data, both databases; the embedded search backend
(what the hits are is the search tests' concern, tests/search)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from search.backend import SearchBackend
from search.reindex import reindex
from services.principal_auth import identity_for
from store.models import ServiceRecord
from tests.resolvers.audit_sink import Collected, audited_context
from tests.resolvers.graph_helpers import SCHEMA
from tests.search.conftest import open_backend


@pytest.fixture(scope="module")
async def fts(
    seeded: AsyncConnection, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[SearchBackend]:
    backend = await open_backend("fts5", tmp_path_factory.mktemp("audit-search"))
    sessions = async_sessionmaker(bind=seeded, join_transaction_mode="create_savepoint")
    await reindex(sessions, backend, progress=False)
    yield backend
    await backend.close()


async def _run(
    session: AsyncSession, who: str, query: str, backend: SearchBackend | None = None
) -> tuple[Any, Collected]:
    identity = await identity_for(session, who)
    assert identity is not None
    sink = Collected()
    context = audited_context(session, identity, sink)
    context.search = backend
    result = await SCHEMA.execute(query, context_value=context)
    assert result.errors is None, result.errors
    return result.data, sink


def _key(global_id: str) -> int:
    return int(global_id.partition(":")[2])


async def test_search_hits_are_listed_with_their_units(
    demo: AsyncSession, fts: SearchBackend
) -> None:
    query = '{ search(text: "隐患", types: [SERVICE_RECORD], first: 10) { hits { id title } } }'
    data, sink = await _run(demo, "demo-regulator-gz", query, fts)
    ids = [_key(h["id"]) for h in data["search"]["hits"]]
    units = select(ServiceRecord.unit_id).where(ServiceRecord.id.in_(ids))
    expected = set((await demo.scalars(units)).all())

    assert ids  # the check below is not vacuous
    assert sink.only.rows == {"ServiceRecord": ids}  # no `node` selected: the hits alone
    assert sink.only.subjects == expected


FINDINGS = "{ findings(first: 50) { nodes { subjectId subjectType unitId } } }"


async def test_findings_are_listed_with_their_units(demo: AsyncSession) -> None:
    data, sink = await _run(demo, "demo-regulator-gd", FINDINGS)
    nodes = data["findings"]["nodes"]
    by_type: dict[str, list[int]] = {}
    for node in nodes:
        keys = by_type.setdefault(node["subjectId"].partition(":")[0], [])
        if _key(node["subjectId"]) not in keys:
            keys.append(_key(node["subjectId"]))

    assert nodes  # the demo data has findings for the province
    assert sink.only.rows == by_type
    # A finding about an insurer alone (no unit) names no unit.
    assert sink.only.subjects == {_key(n["unitId"]) for n in nodes if n["unitId"] is not None}
