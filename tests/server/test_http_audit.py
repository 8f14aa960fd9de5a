"""The audit log over HTTP, with the app's lifespan running its writer: one entry per
executed operation and per bulk upload, none for refused requests, everything written by
the graceful shutdown; then ``archiveReads`` answers who read the unit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from policies.enforcer import ensure_default_policy
from server import tokens
from server.app import create_app
from server.settings import Settings
from store.database import create_engine, session_factory
from store.enums import AuditOperationKind, PrincipalKind, Role
from store.migrate import upgrade
from store.models.audit_entry import AuditEntry
from store.models.audit_subject import AuditSubject
from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from tests.factories.bulk_lines import ndjson, record_line
from tests.factories.insurance_policy import create_policy
from tests.factories.world import PROVINCE, World, build_world


@dataclass(frozen=True)
class Site:
    settings: Settings
    world: World
    line: dict[str, Any]  # one valid bulk line for the world's policy


def _principal(name: str, binding: RoleBinding) -> Principal:
    principal = Principal(kind=PrincipalKind.USER, name=name, display_name=name, active=True)
    principal.bindings.append(binding)
    return principal


@pytest.fixture
async def site(tmp_path: Path) -> Site:
    url = f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await ensure_default_policy(session_factory(engine))
    async with session_factory(engine)() as session, session.begin():
        world = await build_world(session)
        policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
        session.add_all(
            [
                _principal(
                    "insurer-system", RoleBinding(role=Role.INSURER, insurer_id=world.insurer.id)
                ),
                _principal("gd-regulator", RoleBinding(role=Role.REGULATOR, region_code=PROVINCE)),
                _principal("ops-admin", RoleBinding(role=Role.ADMIN)),
            ]
        )
        line = record_line(world, policy)
    await engine.dispose()
    settings = Settings(
        database_url=url,
        token_secret=SecretStr("audit-test-secret-0123456789abcdef0123"),
        audit_flush_seconds=60,  # only the shutdown flushes: the test sees it alone did
        # The in-process search indexer runs beside the requests, into this test's folder
        # (mutations and uploads begin as writers: store.database.begin_write).
        search_fts_path=str(tmp_path / "search.db"),
    )
    return Site(settings, world, line)


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan (httpx does not run it): the writer starts and, at the
    end, flushes."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


def _auth(site: Site, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.issue(site.settings, name)}"}


async def _gql(
    client: httpx.AsyncClient, site: Site, who: str, query: str, variables: Any = None
) -> Any:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=_auth(site, who)
    )
    return response.json()


async def _entries(site: Site) -> list[AuditEntry]:
    engine = create_engine(site.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return list((await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())
    finally:
        await engine.dispose()


async def _subjects(site: Site, entry_id: int) -> set[int]:
    engine = create_engine(site.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            stmt = select(AuditSubject.insured_unit_id).where(
                AuditSubject.audit_entry_id == entry_id
            )
            return set((await session.scalars(stmt)).all())
    finally:
        await engine.dispose()


PAGE = "{ serviceRecords(first: 10) { nodes { id } } }"
READS = "query($u: ID!) { archiveReads(unitId: $u) { nodes { principal kind rowCount } } }"


async def test_operations_are_audited_and_flushed_on_shutdown(site: Site) -> None:
    async with serving(site.settings) as client:
        upload = await client.post(
            "/bulk/service-records",
            content=ndjson([site.line, site.line]),
            headers={**_auth(site, "insurer-system"), "Content-Type": "application/x-ndjson"},
        )
        assert upload.status_code == 200, upload.text
        page = await _gql(client, site, "gd-regulator", PAGE)
        assert len(page["data"]["serviceRecords"]["nodes"]) == 2
        # Refused before execution: no entry for either.
        refused = await client.post(
            "/graphql", json={"query": PAGE}, headers={"Authorization": "Bearer not-a-token"}
        )
        assert refused.status_code == 401
        invalid = await _gql(client, site, "gd-regulator", "{ serviceRecords { nope } }")
        assert invalid["errors"]
        assert await _entries(site) == []  # nothing written before the shutdown flush

    bulk, query = await _entries(site)
    assert (bulk.kind, bulk.principal, bulk.operation_name, bulk.row_count, bulk.rows) == (
        AuditOperationKind.BULK,
        "insurer-system",
        "bulk:service-records",
        2,
        {},
    )
    ids = [int(n["id"].partition(":")[2]) for n in page["data"]["serviceRecords"]["nodes"]]
    assert (query.kind, query.principal, query.scope, query.rows) == (
        AuditOperationKind.QUERY,
        "gd-regulator",
        f"regulator@jurisdiction:{PROVINCE}",
        {"ServiceRecord": ids},
    )
    assert await _subjects(site, query.id) == {site.world.unit.id}

    # Who read the unit's archive: the regulator of its province, and an admin, may ask.
    unit = {"u": f"InsuredUnit:{site.world.unit.id}"}
    async with serving(site.settings) as client:
        for who in ("gd-regulator", "ops-admin"):
            reads = await _gql(client, site, who, READS, unit)
            assert reads["data"]["archiveReads"]["nodes"] == [
                {"principal": "gd-regulator", "kind": "QUERY", "rowCount": 2}
            ], who
        insurer = await _gql(client, site, "insurer-system", READS, unit)
        assert insurer["errors"][0]["extensions"]["code"] == "NOT_FOUND"


THROUGH_INSURER = """query($i: ID!) { insurer(id: $i) { name
  serviceRecords(first: 5) { nodes { place } } } }"""


async def test_a_unit_read_through_another_root_shows_in_archive_reads(site: Site) -> None:
    """The root is the insurer (about no unit); the unit's records come a level below, and
    the unit's "who read" lists the operation all the same."""
    insurer = site.world.insurer.id
    async with serving(site.settings) as client:
        upload = await client.post(
            "/bulk/service-records",
            content=ndjson([site.line]),
            headers={**_auth(site, "insurer-system"), "Content-Type": "application/x-ndjson"},
        )
        assert upload.status_code == 200, upload.text
        read = await _gql(
            client, site, "gd-regulator", THROUGH_INSURER, {"i": f"Insurer:{insurer}"}
        )
        assert len(read["data"]["insurer"]["serviceRecords"]["nodes"]) == 1

    query = (await _entries(site))[-1]
    assert query.rows.keys() == {"Insurer", "ServiceRecord"}
    assert (query.rows["Insurer"], len(query.rows["ServiceRecord"]), query.row_count) == (
        [insurer],
        1,
        2,
    )
    assert await _subjects(site, query.id) == {site.world.unit.id}

    unit = {"u": f"InsuredUnit:{site.world.unit.id}"}
    async with serving(site.settings) as client:
        reads = await _gql(client, site, "ops-admin", READS, unit)
    assert reads["data"]["archiveReads"]["nodes"] == [
        {"principal": "gd-regulator", "kind": "QUERY", "rowCount": 2}
    ]
