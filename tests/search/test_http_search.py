"""``search`` over HTTP: the starlette app with a bearer token (no token: the public), on both
backends, the index built by the real indexer from the outbox. Scoping end to end: a unit's
token never gets another unit's hits nor counts them in a facet, the regulator gets both
units', and the public gets only published evaluation reports (R-8.2-publication)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from policies.enforcer import ensure_default_policy
from search.backend import SearchBackend
from search.indexer import Indexer
from server import tokens
from server.app import create_app
from server.settings import Settings
from store.database import create_engine, session_factory
from store.enums import EvaluationStatus, PrincipalKind, Role
from store.migrate import upgrade
from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from tests.factories.annual_evaluation import create_evaluation
from tests.factories.complaint import create_complaint
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import create_service_record, hazard
from tests.factories.world import PROVINCE, build_world, create_unit
from tests.search.conftest import SEARCH_BACKENDS, fresh_prefix, open_backend, opensearch_url

SEARCH = """query($text: String!, $types: [SearchType!]) {
  search(text: $text, types: $types, first: 50) {
    totalCount
    hits { id type node { id } }
    facets { type { value count } }
  }
}"""


@dataclass(frozen=True)
class Site:
    settings: Settings
    records: dict[str, set[str]]  # unit key ("a", "b") → its service records' global ids
    complaints: dict[str, set[str]]
    published: str  # the published evaluation's global id
    draft: str


def _user(name: str, binding: RoleBinding) -> Principal:
    principal = Principal(kind=PrincipalKind.USER, name=name, display_name=name, active=True)
    principal.bindings.append(binding)
    return principal


@pytest.fixture(params=SEARCH_BACKENDS)
async def site(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Site]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'http-search.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await ensure_default_policy(session_factory(engine))
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        world = await build_world(session)
        units = {"a": world.unit, "b": await create_unit(session)}
        records: dict[str, set[str]] = {}
        complaints: dict[str, set[str]] = {}
        for key, unit in units.items():
            policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=unit.id)
            made = [
                await create_service_record(
                    session, policy, hazards=[hazard(description=f"配电箱未接地{key}{i}")]
                )
                for i in range(2)
            ]
            records[key] = {f"ServiceRecord:{r.id}" for r in made}
            complaint = await create_complaint(
                session, insurer_id=world.insurer.id, unit_id=unit.id
            )
            complaints[key] = {f"Complaint:{complaint.id}"}
        published = await create_evaluation(
            session,
            insurer_id=world.insurer.id,
            year=2023,
            status=EvaluationStatus.PUBLISHED,
            submitted_at=datetime(2024, 1, 20, tzinfo=UTC),
            published_at=datetime(2024, 2, 1, tzinfo=UTC),
        )
        draft = await create_evaluation(session, insurer_id=world.insurer.id, year=2024)
        session.add_all(
            [
                _user("unit-a", RoleBinding(role=Role.UNIT, unit_id=units["a"].id)),
                _user("unit-b", RoleBinding(role=Role.UNIT, unit_id=units["b"].id)),
                _user("gd-regulator", RoleBinding(role=Role.REGULATOR, region_code=PROVINCE)),
                _user("insurer", RoleBinding(role=Role.INSURER, insurer_id=world.insurer.id)),
            ]
        )
        ids = f"AnnualEvaluation:{published.id}", f"AnnualEvaluation:{draft.id}"
    # The index is built the way the server builds it: the real indexer drains the outbox
    # the writes above filled.
    prefix = fresh_prefix()
    backend: SearchBackend = await open_backend(request.param, tmp_path, prefix)
    try:
        report = await Indexer(sessions, backend).catch_up()
        assert report.parked == 0 and report.indexed > 0
        await backend.refresh()
    finally:
        await backend.close()
        await engine.dispose()
    settings = Settings(
        database_url=url,
        token_secret=SecretStr("search-http-secret-0123456789abcdef0123"),
        search_url=opensearch_url() if request.param == "opensearch" else "",
        search_fts_path=str(tmp_path / "search.db"),
        search_index_prefix=prefix,
        search_indexer=False,  # built above; nothing is written during the test
    )
    yield Site(settings, records, complaints, *ids)
    cleanup = await open_backend(request.param, tmp_path, prefix)
    await cleanup.drop_all()
    await cleanup.close()


@pytest.fixture
async def client(site: Site) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(site.settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c


async def _search(
    client: httpx.AsyncClient, site: Site, who: str | None, text: str, **variables: Any
) -> dict[str, Any]:
    headers = {} if who is None else {"Authorization": f"Bearer {tokens.issue(site.settings, who)}"}
    body = {"query": SEARCH, "variables": {"text": text, **variables}}
    response = await client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer.get("errors") is None, answer
    page: dict[str, Any] = answer["data"]["search"]
    # Whatever the principal, the hits are its records (node read through its scope), and
    # the total and the facets count exactly what it may read.
    assert all(h["node"] is not None and h["node"]["id"] == h["id"] for h in page["hits"])
    assert page["totalCount"] == len(page["hits"])
    assert sum(b["count"] for b in page["facets"]["type"]) == page["totalCount"]
    return page


def _ids(page: dict[str, Any]) -> set[str]:
    return {h["id"] for h in page["hits"]}


async def test_a_units_token_gets_its_own_hits_only(client: httpx.AsyncClient, site: Site) -> None:
    for me, other in (("a", "b"), ("b", "a")):
        page = await _search(client, site, f"unit-{me}", "配电箱")
        assert _ids(page) == site.records[me]
        assert not _ids(page) & site.records[other]
        # The other unit's own word: not found at all, not even counted.
        theirs = await _search(client, site, f"unit-{me}", f"配电箱未接地{other}0")
        assert theirs["totalCount"] == 0 and theirs["facets"]["type"] == []
        complaints = await _search(client, site, f"unit-{me}", "到场", types=["COMPLAINT"])
        assert _ids(complaints) == site.complaints[me]


async def test_the_regulator_gets_both_units(client: httpx.AsyncClient, site: Site) -> None:
    page = await _search(client, site, "gd-regulator", "配电箱")
    assert _ids(page) == site.records["a"] | site.records["b"]


async def test_the_public_gets_published_reports_only(
    client: httpx.AsyncClient, site: Site
) -> None:
    reports = await _search(client, site, None, "隐患排查")
    assert _ids(reports) == {site.published}
    assert reports["facets"]["type"] == [{"value": "annual_evaluation", "count": 1}]
    # The insurer, who may read its draft, finds both: the draft is indexed, and trimmed.
    own = await _search(client, site, "insurer", "隐患排查", types=["ANNUAL_EVALUATION"])
    assert _ids(own) == {site.published, site.draft}
    for text in ("配电箱", "到场"):
        assert (await _search(client, site, None, text))["totalCount"] == 0
