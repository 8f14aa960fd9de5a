"""Typed mutation refusals in the metrics (issue 8): a refused write answers HTTP 200 with
a union member (``InputErrors``, ``NotFound``, ``Conflict``, ``Forbidden``), not a GraphQL
error, and is still counted in ``anzexian_errors_total{code}`` under its code, once; a
successful write, and an idempotent replay of one, count nothing there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from policies.enforcer import ensure_default_policy
from server import tokens
from server.app import create_app
from server.settings import Settings
from store.database import create_engine, session_factory
from store.enums import PrincipalKind, Role
from store.migrate import upgrade
from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from tests.factories.insurance_policy import create_policy
from tests.factories.world import build_world
from tests.server.test_operations import sample

FILE = """
mutation File($input: FileComplaintInput!, $key: String) {
  fileComplaint(input: $input, idempotencyKey: $key) {
    __typename
    ... on ComplaintSuccess { id replayed }
    ... on InputErrors { code }
    ... on NotFound { code }
    ... on Conflict { code }
    ... on Forbidden { code }
  }
}
"""
UNIT_USER = "unit-user"


@dataclass(frozen=True)
class Gateway:
    client: httpx.AsyncClient
    insurer_id: int
    unit_id: int

    def filing(self, **changes: Any) -> dict[str, Any]:
        return {
            "insurerId": f"Insurer:{self.insurer_id}",
            "unitId": f"InsuredUnit:{self.unit_id}",
            "filedAt": "2024-03-10T09:00:00+08:00",
            "request": "服务人员未按约定时间到场",
            **changes,
        }

    async def file(
        self, filing: dict[str, Any], key: str | None = None, **headers: str
    ) -> tuple[str, dict[str, Any]]:
        """The result's type name, and the response's body."""
        body = {"query": FILE, "variables": {"input": filing, "key": key}}
        response = await self.client.post("/graphql", json=body, headers=headers)
        assert response.status_code == 200
        answer = dict(response.json())
        assert "errors" not in answer, answer
        return str(answer["data"]["fileComplaint"]["__typename"]), answer

    async def metrics(self) -> str:
        return (await self.client.get("/metrics")).text


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    """The app over a migrated SQLite file, signed in as an insured unit's user."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'refusals.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await ensure_default_policy(session_factory(engine))
    async with session_factory(engine)() as session, session.begin():
        world = await build_world(session)
        await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
        user = Principal(kind=PrincipalKind.USER, name=UNIT_USER, display_name="单位", active=True)
        user.bindings.append(RoleBinding(role=Role.UNIT, unit_id=world.unit.id))
        session.add(user)
        ids = world.insurer.id, world.unit.id
    await engine.dispose()
    settings = Settings(database_url=url, token_secret=SecretStr("t" * 40))
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {tokens.issue(settings, UNIT_USER)}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as c:
        yield Gateway(c, *ids)
    await app.state.search.backend.close()
    await app.state.engine.dispose()


def errors_by_code(text: str, *codes: str) -> dict[str, float]:
    return {code: sample(text, "anzexian_errors_total", code=code) for code in codes}


CODES = ("INVALID_INPUT", "FORBIDDEN")


async def test_a_successful_write_and_its_replay_count_no_error(gateway: Gateway) -> None:
    filing = gateway.filing()
    assert (await gateway.file(filing, key="k-1"))[0] == "ComplaintSuccess"
    assert (await gateway.file(filing, key="k-1"))[0] == "ComplaintSuccess"  # replayed

    text = await gateway.metrics()
    assert "anzexian_errors_total{" not in text  # no code at all
    assert sample(text, "anzexian_requests_total", operation="File", outcome="ok") == 2


async def test_each_refusal_counts_once_under_its_code(gateway: Gateway) -> None:
    # R-6.4-complaint needs an aware time: INVALID_INPUT (one field at fault).
    naive = gateway.filing(filedAt="2024-03-10T09:00:00")
    assert (await gateway.file(naive))[0] == "InputErrors"
    # The key of a written filing with another input: INVALID_INPUT again (its one field
    # error says IDEMPOTENCY_KEY_REUSED; the metric counts the result's code, as for reads).
    assert (await gateway.file(gateway.filing(), key="k-2"))[0] == "ComplaintSuccess"
    other = gateway.filing(request="另一件事")
    assert (await gateway.file(other, key="k-2"))[0] == "InputErrors"
    # The public writes nothing: FORBIDDEN.
    assert (await gateway.file(gateway.filing(), Authorization=""))[0] == "Forbidden"

    text = await gateway.metrics()
    assert errors_by_code(text, *CODES) == {"INVALID_INPUT": 2, "FORBIDDEN": 1}
    # A refused request is answered "with errors", whatever the HTTP status said.
    assert sample(text, "anzexian_requests_total", operation="File", outcome="error") == 3
    assert sample(text, "anzexian_requests_total", operation="File", outcome="ok") == 1


async def test_a_refusal_in_one_field_of_two_counts_once(gateway: Gateway) -> None:
    both = """
    mutation Two($good: FileComplaintInput!, $bad: FileComplaintInput!) {
      a: fileComplaint(input: $good) { __typename }
      b: fileComplaint(input: $bad) { __typename }
    }
    """
    variables = {"good": gateway.filing(), "bad": gateway.filing(filedAt="2024-03-10T09:00:00")}
    response = await gateway.client.post("/graphql", json={"query": both, "variables": variables})
    data = response.json()["data"]
    assert (data["a"]["__typename"], data["b"]["__typename"]) == ("ComplaintSuccess", "InputErrors")

    text = await gateway.metrics()
    assert errors_by_code(text, *CODES) == {
        "INVALID_INPUT": 1,
        "FORBIDDEN": 0,
    }


async def test_refused_uploads_count_under_their_code(gateway: Gateway) -> None:
    """/bulk answers in its own shape, but a refusal counts as a refused mutation does."""
    line = b'{"x": 1}\n'
    ndjson = {"Content-Type": "application/x-ndjson"}
    # An insured unit uploads nothing (R-ids aside, the policy: insurers upload their own).
    forbidden = await gateway.client.post("/bulk/service-records", content=line, headers=ndjson)
    # Without a credential: UNAUTHENTICATED before the body is read.
    anonymous = await gateway.client.post(
        "/bulk/service-records", content=line, headers={**ndjson, "Authorization": ""}
    )
    assert (forbidden.status_code, anonymous.status_code) == (403, 401)

    text = await gateway.metrics()
    assert errors_by_code(text, "FORBIDDEN", "UNAUTHENTICATED") == {
        "FORBIDDEN": 1,
        "UNAUTHENTICATED": 1,
    }
