"""A slice of the authorization matrix through HTTP: the served app, real bearer tokens of the
seeded principals, the policy as stored in the database. Every node, by-id, totalCount and
by-insurer stats cell of each seeded principal (and of the public, without a token)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from server import tokens
from server.app import create_app
from server.cli import app as cli
from server.settings import Settings
from store.database import create_engine
from tests.policies.matrix.cells import MATRIX_PATH, Cell, read_cells
from tests.policies.matrix.principals import matrix_principals
from tests.policies.matrix.world import load_world
from tests.seeded import DEMO_SEED

OPERATIONS = ("node", "by_id", "total_count", "stats_groups")
BATCH = 10  # aliases per request, under the served operation limits


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """`anzexian migrate` (storing the default policy) and the matrix's demo data."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('matrix') / 'demo.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate", "--database-url", url]).exit_code == 0
    args = ["seed", "--no-progress", "--seed", str(DEMO_SEED), "--database-url", url]
    seeded = runner.invoke(cli, args)
    assert seeded.exit_code == 0, seeded.output
    return url


@pytest.fixture
async def logins(demo_file: str) -> dict[str, str | None]:
    """The matrix principals authentication can produce: the seeded logins, and the public
    without a token (the synthetic ones exist only at the schema level)."""
    engine = create_engine(demo_file)
    try:
        async with engine.connect() as conn:
            world = await load_world(conn)
    finally:
        await engine.dispose()
    found: dict[str, str | None] = {"public": None}
    found |= {p.label: p.login for p in matrix_principals(world) if p.login}
    return found


@pytest.fixture
async def served(demo_file: str) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    settings = Settings(
        database_url=demo_file,
        token_secret=SecretStr("matrix-http-secret-0123456789abcdef0123"),
        limit_rate="off",  # a few hundred requests in a second are the test, not abuse
    )
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client, settings
    await app.state.engine.dispose()


def _call(cell: Cell) -> str:
    gid = json.dumps(cell.object)
    if cell.operation == "node":
        return f"node(id: {gid}) {{ id }}"
    if cell.operation == "by_id":
        return f"{cell.target}(id: {gid}) {{ id }}"
    if cell.operation == "total_count":
        return f"{cell.target} {{ totalCount }}"
    return "stats(groupBy: [INSURER]) { groups { insurer { id } } }"


def _answer(cell: Cell, value: Any) -> str:
    if cell.operation in ("node", "by_id"):
        return "not_found" if value is None else "visible" if value["id"] == cell.object else "?"
    if cell.operation == "total_count":
        return str(value["totalCount"])
    return " ".join(g["insurer"]["id"] for g in value["groups"]) or "-"


async def test_the_matrix_holds_over_http(
    served: tuple[httpx.AsyncClient, Settings], logins: dict[str, str | None]
) -> None:
    client, settings = served
    cells = [
        c
        for c in read_cells(MATRIX_PATH.read_text(encoding="utf-8"))
        if c.principal in logins
        and c.operation in OPERATIONS
        and (c.operation != "stats_groups" or c.target == "INSURER")
    ]
    assert len(cells) > 500 and {c.principal for c in cells} == set(logins)
    mismatches = []
    for label, login in logins.items():
        headers = {"Authorization": f"Bearer {tokens.issue(settings, login)}"} if login else {}
        own = [c for c in cells if c.principal == label]
        for start in range(0, len(own), BATCH):
            batch = own[start : start + BATCH]
            query = "{ " + " ".join(f"c{i}: {_call(c)}" for i, c in enumerate(batch)) + " }"
            response = await client.post("/graphql", json={"query": query}, headers=headers)
            body = response.json()
            assert response.status_code == 200 and "errors" not in body, body
            for i, cell in enumerate(batch):
                got = _answer(cell, body["data"][f"c{i}"])
                if got != cell.expected:
                    mismatches.append(f"{cell.describe()}: expected {cell.expected}, got {got}")
    assert not mismatches, "\n".join(mismatches)
