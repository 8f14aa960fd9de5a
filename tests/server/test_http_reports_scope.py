"""The report routes answer exactly as GraphQL reads of annual_evaluation do: for every seeded
principal of the demo data (and the public, without a token) and every report, the HTML is
200 when ``annualEvaluation(id)`` returns the report to that principal and 404 otherwise.
The reports' own scope is not restated here: GraphQL's answer is the oracle, and the
authorization matrix (tests/policies) checks GraphQL's against the policy."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from typer.testing import CliRunner

from server import tokens
from server.app import create_app
from server.cli import app as cli
from server.settings import Settings
from store.database import create_engine
from tests.seeded import DEMO_SEED

BATCH = 10  # aliases per GraphQL request, under the served operation limits


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('reports') / 'demo.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate", "--database-url", url]).exit_code == 0
    args = ["seed", "--no-progress", "--seed", str(DEMO_SEED), "--database-url", url]
    seeded = runner.invoke(cli, args)
    assert seeded.exit_code == 0, seeded.output
    return url


@pytest.fixture
async def served(demo_file: str) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    settings = Settings(
        database_url=demo_file,
        token_secret=SecretStr("reports-http-secret-0123456789abcdef0123"),
        limit_rate="off",
    )
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client, settings
    await app.state.engine.dispose()


async def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in await conn.execute(text(sql))]
    finally:
        await engine.dispose()


async def test_reports_are_served_to_whom_graphql_shows_them(
    demo_file: str, served: tuple[httpx.AsyncClient, Settings]
) -> None:
    client, settings = served
    reports = [int(str(r[0])) for r in await _rows(demo_file, "SELECT id FROM annual_evaluation")]
    logins = [str(r[0]) for r in await _rows(demo_file, "SELECT name FROM principal")]
    assert len(reports) >= 10 and len(logins) >= 5
    shown_somewhere, hidden_somewhere = 0, 0
    for login in [None, *logins]:
        headers = (
            {} if login is None else {"Authorization": f"Bearer {tokens.issue(settings, login)}"}
        )
        visible: set[int] = set()
        for start in range(0, len(reports), BATCH):
            batch = reports[start : start + BATCH]
            query = " ".join(
                f'r{key}: annualEvaluation(id: "AnnualEvaluation:{key}") {{ id }}' for key in batch
            )
            body = (
                await client.post("/graphql", json={"query": f"{{ {query} }}"}, headers=headers)
            ).json()
            assert "errors" not in body, body
            visible |= {key for key in batch if body["data"][f"r{key}"] is not None}
        for key in reports:
            response = await client.get(f"/reports/evaluations/{key}.html", headers=headers)
            assert response.status_code == (200 if key in visible else 404), (login, key)
        shown_somewhere += len(visible)
        hidden_somewhere += len(reports) - len(visible)
    # Both answers occur, so the comparison could fail either way.
    assert shown_somewhere and hidden_somewhere
