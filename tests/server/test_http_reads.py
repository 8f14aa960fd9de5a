"""Compiled reads over HTTP: the response carries the database's JSON as it is
(server/json_codec.py), and that is the same data the schema-level execution returns."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from resolvers.context import RequestContext
from resolvers.root import build_schema
from server.app import create_app
from server.cli import app as cli
from server.settings import Settings
from services.identity import PUBLIC
from store.database import create_engine, session_factory

# The public may read every region (the default policy); names are Chinese.
REGIONS = """query($first: Int, $after: String) {
  regions(first: $first, after: $after) {
    edges { cursor node { code name level parent { code name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('reads') / 'demo.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate", "--database-url", url]).exit_code == 0
    seeded = runner.invoke(cli, ["seed", "--no-progress", "--database-url", url])
    assert seeded.exit_code == 0, seeded.output
    return url


@pytest.fixture
async def client(demo_file: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=demo_file))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as c:
        yield c
    await app.state.engine.dispose()


async def _schema_level(url: str, variables: dict[str, Any]) -> Any:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            context = RequestContext(
                request=None,  # type: ignore[arg-type]
                response=None,  # type: ignore[arg-type]
                session=session,
                identity=PUBLIC,
                scope=Scope(PUBLIC, Decisions(default_rules()).decide),
            )
            result = await build_schema().execute(
                REGIONS, variable_values=variables, context_value=context
            )
            assert result.errors is None, result.errors
            return result.data
    finally:
        await engine.dispose()


async def test_the_databases_json_is_the_response(
    client: httpx.AsyncClient, demo_file: str
) -> None:
    after = None
    for first in (3, 5):  # one shape, two page sizes and a cursor
        variables = {"first": first, "after": after}
        response = await client.post("/graphql", json={"query": REGIONS, "variables": variables})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        body = json.loads(response.content)
        assert body == {"data": await _schema_level(demo_file, variables)}
        edges = body["data"]["regions"]["edges"]
        assert len(edges) == first
        # UTF-8, not \\u escapes: the bytes hold the names as written
        assert edges[0]["node"]["name"].encode() in response.content
        after = body["data"]["regions"]["pageInfo"]["endCursor"]


async def test_errors_are_encoded_as_before(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": REGIONS, "variables": {"first": 1, "after": "nonsense"}}
    )
    body = response.json()
    assert body["data"] is None  # regions is non-null: the error reaches the root
    assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR"
