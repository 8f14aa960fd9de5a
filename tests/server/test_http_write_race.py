"""Writes over HTTP on the embedded SQLite default while the in-process search indexer drains
the outbox beside them (issue 5; store.database.begin_write).

Before mutations began as writers, a mutation that read, then found another connection had
committed (the indexer settling its outbox rows or its lease, another request's mutation),
was refused at its first write with "database is locked", masked as "Unexpected error.":
18 of 20 concurrent complaints failed so. First the exact interleaving (another writer
commits between the mutation's reads and its INSERT), then a burst of concurrent mutations
with the indexer running, after which the index holds exactly the database's complaints.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import event, select

from policies.enforcer import ensure_default_policy
from search.fts5.backend import Fts5Backend
from server import tokens
from server.app import create_app
from server.settings import Settings
from store.base import utcnow
from store.database import create_engine, session_factory
from store.enums import PrincipalKind, Role
from store.migrate import upgrade
from store.models.complaint import Complaint
from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from store.repositories.search_outbox import SearchOutboxRepository
from tests.factories.insurance_policy import create_policy
from tests.factories.world import build_world

FILE = """
mutation File($input: FileComplaintInput!) {
  fileComplaint(input: $input) { __typename ... on ComplaintSuccess { id } }
}
"""
UNIT_USER = "unit-user"
PREFIX = "race"


@dataclass(frozen=True)
class Site:
    settings: Settings
    path: Path
    complaint: dict[str, Any]


@pytest.fixture
async def site(tmp_path: Path) -> Site:
    path = tmp_path / "race.db"
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    await upgrade(engine)
    await ensure_default_policy(session_factory(engine))
    async with session_factory(engine)() as session, session.begin():
        world = await build_world(session)
        await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
        user = Principal(
            kind=PrincipalKind.USER, name=UNIT_USER, display_name="单位用户", active=True
        )
        user.bindings.append(RoleBinding(role=Role.UNIT, unit_id=world.unit.id))
        session.add(user)
        ids = world.insurer.id, world.unit.id
    await engine.dispose()
    settings = Settings(
        database_url=url,
        token_secret=SecretStr("race-test-secret-0123456789abcdef012345"),
        limit_rate="off",  # the burst is the point
        search_url="",  # the embedded FTS5 backend, in this test's folder
        search_fts_path=str(tmp_path / "search.db"),
        search_index_prefix=PREFIX,
        search_indexer=True,
        search_indexer_batch=1,  # a commit per outbox row: as many chances to collide
        search_indexer_interval_seconds=0.01,
    )
    complaint = {
        "insurerId": f"Insurer:{ids[0]}",
        "unitId": f"InsuredUnit:{ids[1]}",
        "filedAt": "2024-03-10T09:00:00+08:00",
        "request": "服务人员未按约定时间到场",
    }
    return Site(settings, path, complaint)


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The app with its lifespan: the indexer task runs beside the requests."""
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {tokens.issue(settings, UNIT_USER)}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=headers
        ) as client:
            yield app, client


async def _file(client: httpx.AsyncClient, site: Site) -> Any:
    body = {"query": FILE, "variables": {"input": site.complaint}}
    return (await client.post("/graphql", json=body)).json()


def _indexer_commits(path: Path) -> str:
    """What the indexer does between rounds, from a connection of its own that does not
    wait (timeout 0): take its lease and commit."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute(
            "INSERT INTO search_indexer_lease (id, holder, expires_at) VALUES (1, 'other', ?) "
            "ON CONFLICT (id) DO UPDATE SET holder = excluded.holder",
            (utcnow().isoformat(),),
        )
        return "committed"
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        other.close()


async def test_a_commit_between_a_mutations_reads_and_its_write(site: Site) -> None:
    settings = site.settings.model_copy(update={"search_indexer": False})  # we are the indexer
    outcomes: list[str] = []

    def interleave(_c: object, _cur: object, statement: str, *_: object) -> None:
        if statement.startswith("INSERT INTO complaint") and not outcomes:
            outcomes.append(_indexer_commits(site.path))

    async with serving(settings) as (app, client):
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", interleave)
        answer = await _file(client, site)
    assert answer.get("errors") is None, answer
    assert answer["data"]["fileComplaint"]["__typename"] == "ComplaintSuccess"
    # The mutation held the write lock from its BEGIN: the other writer had to wait for it
    # (the indexer's busy timeout), instead of the mutation being refused.
    assert outcomes == ["database is locked"]
    assert _indexer_commits(site.path) == "committed"


async def _drained(settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return await SearchOutboxRepository(session).pending_count()
    finally:
        await engine.dispose()


async def _complaint_ids(settings: Settings) -> set[str]:
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return {str(i) for i in (await session.scalars(select(Complaint.id))).all()}
    finally:
        await engine.dispose()


async def test_concurrent_mutations_while_the_indexer_drains(site: Site) -> None:
    async with serving(site.settings) as (_app, client):
        answers = await asyncio.gather(*(_file(client, site) for _ in range(20)))
        # Then let the in-process indexer finish (a bound, not a measurement).
        for _ in range(600):
            if await _drained(site.settings) == 0:
                break
            await asyncio.sleep(0.05)
    failed = [a for a in answers if a.get("errors")]
    assert failed == []
    assert {a["data"]["fileComplaint"]["__typename"] for a in answers} == {"ComplaintSuccess"}
    assert await _drained(site.settings) == 0
    stored = await _complaint_ids(site.settings)
    assert len(stored) == 20
    backend = Fts5Backend(site.settings.search_fts_path, PREFIX)
    try:
        assert await backend.doc_ids("complaint") == stored
    finally:
        await backend.close()
