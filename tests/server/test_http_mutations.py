"""Mutations over HTTP: the wiring from request to committed row, the idempotent retry,
typed refusals as HTTP 200 data, and masked unexpected errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

import services.complaint
from policies.enforcer import ensure_default_policy
from server import tokens
from server.app import create_app
from server.settings import Settings
from store.database import create_engine, session_factory
from store.enums import PrincipalKind, Role
from store.migrate import upgrade
from store.models.complaint import Complaint
from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from tests.factories.insurance_policy import create_policy
from tests.factories.world import build_world

FILE = """
mutation File($input: FileComplaintInput!, $key: String) {
  fileComplaint(input: $input, idempotencyKey: $key) {
    __typename
    ... on ComplaintSuccess { id replayed status }
    ... on InputErrors { code errors { code field messageZh messageEn rule } }
    ... on Forbidden { code }
  }
}
"""


UNIT_USER = "unit-user"


@dataclass(frozen=True)
class Seeded:
    settings: Settings
    insurer_id: int
    unit_id: int


@pytest.fixture
async def seeded(tmp_path: Path) -> Seeded:
    """A migrated SQLite file with an insurer and a unit (committed: the app reads them)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'mutations.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await ensure_default_policy(session_factory(engine))  # as `anzexian migrate` does
    async with session_factory(engine)() as session, session.begin():
        world = await build_world(session)
        # The unit complains about its own insurer: one it holds a policy with.
        await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
        user = Principal(
            kind=PrincipalKind.USER, name=UNIT_USER, display_name="单位用户", active=True
        )
        user.bindings.append(RoleBinding(role=Role.UNIT, unit_id=world.unit.id))
        session.add(user)
        ids = world.insurer.id, world.unit.id
    await engine.dispose()
    settings = Settings(
        database_url=url, token_secret=SecretStr("test-secret-0123456789abcdef0123456789")
    )
    return Seeded(settings, *ids)


@pytest.fixture
async def client(seeded: Seeded) -> AsyncIterator[httpx.AsyncClient]:
    """Signed in as the insured unit's user (the complainant, R-6.4-complaint)."""
    app = create_app(seeded.settings)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {tokens.issue(seeded.settings, UNIT_USER)}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as c:
        yield c
    await app.state.engine.dispose()


def _complaint(seeded: Seeded, **changes: Any) -> dict[str, Any]:
    return {
        "insurerId": f"Insurer:{seeded.insurer_id}",
        "unitId": f"InsuredUnit:{seeded.unit_id}",
        "filedAt": "2024-03-10T09:00:00+08:00",
        "request": "服务人员未按约定时间到场",
        **changes,
    }


async def _complaints(seeded: Seeded) -> int:
    engine = create_engine(seeded.settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(Complaint)) or 0)
    finally:
        await engine.dispose()


async def test_a_retry_over_http_writes_once(client: httpx.AsyncClient, seeded: Seeded) -> None:
    body = {"query": FILE, "variables": {"input": _complaint(seeded), "key": "erp-20240310-7"}}
    first = (await client.post("/graphql", json=body)).json()["data"]["fileComplaint"]
    again = (await client.post("/graphql", json=body)).json()["data"]["fileComplaint"]

    assert first["__typename"] == "ComplaintSuccess" and first["status"] == "OPEN"
    assert again == {**first, "replayed": True}
    assert await _complaints(seeded) == 1


async def test_a_refusal_is_data_not_an_error(client: httpx.AsyncClient, seeded: Seeded) -> None:
    variables = {"input": _complaint(seeded, filedAt="2024-03-10T09:00:00")}
    response = await client.post("/graphql", json={"query": FILE, "variables": variables})

    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    result = body["data"]["fileComplaint"]
    assert result["__typename"] == "InputErrors"
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("TIMEZONE_REQUIRED", "filedAt")]
    assert await _complaints(seeded) == 0


async def test_unexpected_errors_are_masked_over_http(
    client: httpx.AsyncClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any) -> Complaint:
        raise RuntimeError("SELECT secret FROM internals")

    monkeypatch.setattr(services.complaint, "file_complaint", broken)
    variables = {"input": _complaint(seeded)}
    response = await client.post("/graphql", json={"query": FILE, "variables": variables})

    body = response.json()
    assert [e["message"] for e in body["errors"]] == ["Unexpected error."]
    assert "secret" not in response.text


async def test_a_float_for_money_is_refused_readably(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    query = """
        mutation($amount: Decimal!) { addLedgerEntry(input: {
          insurerId: "Insurer:1", unitId: "InsuredUnit:1", policyId: "InsurancePolicy:1",
          kind: ALLOCATION, amount: $amount, occurredOn: "2024-01-15", purpose: "计提"
        }) { __typename } }
    """
    response = await client.post("/graphql", json={"query": query, "variables": {"amount": 0.1}})
    body = response.json()
    assert "float" in body["errors"][0]["message"]


async def test_the_public_writes_nothing_over_http(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    body = {"query": FILE, "variables": {"input": _complaint(seeded)}}
    response = await client.post("/graphql", json=body, headers={"Authorization": ""})

    result = response.json()["data"]["fileComplaint"]
    assert (result["__typename"], result["code"]) == ("Forbidden", "FORBIDDEN")
    assert await _complaints(seeded) == 0
