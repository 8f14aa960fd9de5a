"""Scope parity on the seeded demo data, for principals of every role, on both backends: the
documents a principal's search filter admits are exactly the rows it reads through GraphQL,
the facet counts count only those, and every hit the service returns is readable. A forged
document (a stale or wrong index) never leaves the server: hits are hydrated through SQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from resolvers.context import RequestContext
from search.backend import IndexAction, SearchBackend
from search.documents import DOC_TYPES
from search.reindex import reindex
from search.sources import actions
from services.identity import PUBLIC, Identity
from services.principal_auth import identity_for
from services.search import run_search
from services.search_request import SearchFilters, build_request
from store import models as m
from tests.resolvers.graph_helpers import SCHEMA
from tests.search.conftest import SEARCH_BACKENDS, open_backend

DECISIONS = Decisions(default_rules())
PRINCIPALS = [
    "demo-regulator-gd",
    "demo-regulator-gd-chem",
    "demo-regulator-gz",
    "demo-insurer-picc",
    "demo-unit",
    "demo-agency",
    "demo-admin",
    "public",
]
LISTS: dict[str, tuple[str, Any]] = {
    "service_record": ("serviceRecords", m.ServiceRecord),
    "complaint": ("complaints", m.Complaint),
    "service_scheme": ("serviceSchemes", m.ServiceScheme),
    "annual_evaluation": ("annualEvaluations", m.AnnualEvaluation),
    "insured_unit": ("insuredUnits", m.InsuredUnit),
}


@pytest.fixture(scope="module", params=SEARCH_BACKENDS)
async def indexed(
    request: pytest.FixtureRequest,
    seeded: AsyncConnection,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[SearchBackend]:
    backend = await open_backend(request.param, tmp_path_factory.mktemp("parity"))
    sessions = async_sessionmaker(bind=seeded, join_transaction_mode="create_savepoint")
    report = await reindex(sessions, backend, progress=False)
    assert report.failed == {}
    await backend.refresh()
    try:
        yield backend
    finally:
        await backend.drop_all()
        await backend.close()


async def _identity(session: AsyncSession, name: str) -> Identity:
    if name == "public":
        return PUBLIC
    identity = await identity_for(session, name)
    assert identity is not None, name
    return identity


async def _graphql_ids(session: AsyncSession, scope: Scope, doc_type: str) -> set[int]:
    field = LISTS[doc_type][0]
    ids: set[int] = set()
    after: str | None = None
    while True:
        query = f"""query($after: String) {{ {field}(first: 1000, after: $after) {{
            nodes {{ id }} pageInfo {{ hasNextPage endCursor }} }} }}"""
        context = RequestContext(
            request=None,  # type: ignore[arg-type]
            response=None,  # type: ignore[arg-type]
            session=session,
            identity=scope.identity,
            scope=scope,
            mask=scope,
        )
        result = await SCHEMA.execute(query, {"after": after}, context_value=context)
        assert result.errors is None, result.errors
        assert result.data is not None
        page: Any = result.data[field]
        ids.update(int(node["id"].split(":")[1]) for node in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("name", PRINCIPALS)
async def test_filter_admits_exactly_what_graphql_reads(
    demo: AsyncSession, indexed: SearchBackend, name: str
) -> None:
    scope = Scope(await _identity(demo, name), DECISIONS.decide)
    request = build_request(
        scope, (), DOC_TYPES, SearchFilters(), offset=0, size=10_000, region_level=None
    )
    readable = {t: await _graphql_ids(demo, scope, t) for t in DOC_TYPES}
    if request is None:
        assert readable == {t: set() for t in DOC_TYPES}
        return
    result = await indexed.search(request)
    found: dict[str, set[int]] = {t: set() for t in DOC_TYPES}
    for hit in result.hits:
        found[hit.doc_type].add(int(hit.doc_id))
    assert found == readable  # ⊆ is the rule; on a synced index it is even =
    # Facets count in-scope rows only: per type, and per insurer of the service records.
    assert {b.value: b.count for b in result.facets["type"]} == {
        t: len(ids) for t, ids in readable.items() if ids
    }
    records = readable["service_record"]
    rows = await demo.execute(
        select(m.ServiceRecord.insurer_id).where(m.ServiceRecord.id.in_(records))
    )
    per_insurer = Counter(str(i) for (i,) in rows)
    complaints = await demo.execute(
        select(m.Complaint.insurer_id).where(m.Complaint.id.in_(readable["complaint"]))
    )
    per_insurer.update(str(i) for (i,) in complaints)
    for doc_type, model in (
        ("service_scheme", m.ServiceScheme),
        ("annual_evaluation", m.AnnualEvaluation),
    ):
        more = await demo.execute(select(model.insurer_id).where(model.id.in_(readable[doc_type])))
        per_insurer.update(str(i) for (i,) in more)
    units = await demo.execute(
        select(m.InsurancePolicy.insurer_id, m.InsurancePolicy.unit_id)
        .where(m.InsurancePolicy.unit_id.in_(readable["insured_unit"]))
        .distinct()
    )
    per_insurer.update(str(i) for i, _ in units)
    facet = {b.value: b.count for b in result.facets["insurer"]}
    assert facet == dict(per_insurer.most_common(20)) or (
        len(per_insurer) > 20 and all(per_insurer[k] == v for k, v in facet.items())
    )


@pytest.mark.parametrize("name", PRINCIPALS)
@pytest.mark.parametrize("text", ["隐患", "培训 服务", "投诉", "不满意", "配电箱"])
async def test_search_hits_are_readable(
    demo: AsyncSession, indexed: SearchBackend, name: str, text: str
) -> None:
    scope = Scope(await _identity(demo, name), DECISIONS.decide)
    page = await run_search(demo, scope, indexed, text=text, first=100)
    for doc_type in DOC_TYPES:
        keys = {h.key for h in page.hits if h.doc_type == doc_type}
        if keys:
            model = LISTS[doc_type][1]
            visible = await demo.execute(
                select(model.id).where(model.id.in_(keys), scope.where(model))
            )
            assert keys == set(visible.scalars())


async def test_a_forged_document_never_leaves_the_server(
    demo: AsyncSession, indexed: SearchBackend
) -> None:
    insurer = await _identity(demo, "demo-insurer-picc")
    (tenant,) = {g.insurer_id for g in insurer.grants}
    foreign = await demo.scalar(
        select(m.ServiceRecord.id).where(m.ServiceRecord.insurer_id != tenant).limit(1)
    )
    forged = {
        "doc_key": f"service_record:{foreign}",
        "type": "service_record",
        "id": str(foreign),
        "title": "伪造的文档",
        "body": "伪造隐患泄漏测试",
        "insurer_ids": [str(tenant)],  # claims the insurer's tenant: a wrong index
    }
    await indexed.bulk([IndexAction("service_record", str(foreign), forged)])
    await indexed.refresh()
    scope = Scope(insurer, DECISIONS.decide)
    raw = await indexed.search(
        build_request(
            scope, ("伪造隐患",), DOC_TYPES, SearchFilters(), offset=0, size=10, region_level=None
        )  # type: ignore[arg-type]
    )
    assert [h.doc_id for h in raw.hits] == [str(foreign)]  # the index alone would leak it
    try:
        page = await run_search(demo, scope, indexed, text="伪造隐患")
        assert page.hits == ()
    finally:  # put the true document back for the module's other tests
        await indexed.bulk(await actions(demo, [("service_record", int(foreign or 0))]))
        await indexed.refresh()
