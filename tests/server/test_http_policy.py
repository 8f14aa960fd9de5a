"""The stored policy on the request path: a migrated and seeded demo database served over
HTTP, each principal's token seeing its scope, and a policy edit reaching the server within
its reload bound."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from typer.testing import CliRunner

from server import tokens
from server.app import create_app
from server.cli import app as cli
from server.settings import Settings
from store.database import create_engine, session_factory
from store.models import InsuredUnit, PolicyRule, RegionAncestor, ServiceRecord
from store.repositories.policy_rule import PolicyRuleRepository


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """`anzexian migrate` (which stores the default policy) and `anzexian seed --scale demo`."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('policy') / 'demo.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate", "--database-url", url]).exit_code == 0
    seeded = runner.invoke(cli, ["seed", "--no-progress", "--database-url", url])
    assert seeded.exit_code == 0, seeded.output
    return url


@pytest.fixture
async def served(demo_file: str) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    settings = Settings(
        database_url=demo_file,
        token_secret=SecretStr("policy-test-secret-0123456789abcdef0123"),
        policy_reload_seconds=1,
    )
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client, settings
    await app.state.engine.dispose()


async def _data(client: httpx.AsyncClient, settings: Settings, who: str | None, query: str) -> Any:
    headers = {"Authorization": f"Bearer {tokens.issue(settings, who)}"} if who else {}
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def _scalar(url: str, stmt: Any) -> int:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            return int(await session.scalar(stmt) or 0)
    finally:
        await engine.dispose()


async def test_each_token_reads_its_scope(served: tuple[httpx.AsyncClient, Settings]) -> None:
    client, settings = served
    url = settings.database_url
    below = select(RegionAncestor.region_code).where(RegionAncestor.ancestor_code == "440100")
    in_guangzhou = await _scalar(
        url,
        select(func.count())
        .select_from(ServiceRecord)
        .join(InsuredUnit, InsuredUnit.id == ServiceRecord.unit_id)
        .where(InsuredUnit.region_code.in_(below)),
    )
    query = "{ serviceRecords { totalCount } annualEvaluations(first: 100) { nodes { status } } }"
    regulator = await _data(client, settings, "demo-regulator-gz", query)
    assert regulator["serviceRecords"]["totalCount"] == in_guangzhou
    public = await _data(client, settings, None, query)
    assert public["serviceRecords"]["totalCount"] == 0
    assert {n["status"] for n in public["annualEvaluations"]["nodes"]} <= {"PUBLISHED"}
    unit = await _data(client, settings, "demo-unit", "{ insuredUnits { nodes { id } } }")
    assert len(unit["insuredUnits"]["nodes"]) == 1


async def test_a_policy_edit_reaches_the_server_within_the_bound(
    served: tuple[httpx.AsyncClient, Settings],
) -> None:
    client, settings = served
    query = "{ regions(filter: {level: [PROVINCE]}) { totalCount } }"
    before = await _data(client, settings, None, query)
    assert before["regions"]["totalCount"] == 31
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            saved = await PolicyRuleRepository(session).rules()
            removed = await PolicyRuleRepository(session).remove(
                ("public", "region", "read", "all")
            )
        assert removed == 1
        await asyncio.sleep(settings.policy_reload_seconds + 0.2)
        after = await _data(client, settings, None, query)
        assert after["regions"]["totalCount"] == 0  # no rule, no rows
    finally:
        async with session_factory(engine)() as session, session.begin():
            repo = PolicyRuleRepository(session)
            if await session.scalar(select(func.count()).select_from(PolicyRule)) != len(saved):
                await repo.add([("public", "region", "read", "all")])
        await engine.dispose()
