"""POST /bulk/{kind} over HTTP (SQLite): authentication, media type, limits, the report,
idempotent retries. The rules themselves are tested at the service level."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from policies.enforcer import ensure_default_policy
from server import tokens
from server.app import create_app
from server.settings import Settings
from services.api_keys import create_api_key, revoke_api_key
from store.database import create_engine, session_factory
from store.enums import PrincipalKind, Role
from store.migrate import upgrade
from store.models.insurance_policy import InsurancePolicy
from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from store.models.service_record import ServiceRecord
from tests.factories.bulk_lines import ndjson, record_line
from tests.factories.insurance_policy import create_policy
from tests.factories.world import World, build_world

NDJSON = {"Content-Type": "application/x-ndjson"}


@dataclass(frozen=True)
class Site:
    settings: Settings
    world: World
    policy: InsurancePolicy
    theirs: InsurancePolicy  # another insurer's
    other: World


def _principal(name: str, binding: RoleBinding) -> Principal:
    principal = Principal(kind=PrincipalKind.API_CLIENT, name=name, display_name=name, active=True)
    principal.bindings.append(binding)
    return principal


@pytest.fixture
async def site(tmp_path: Path) -> Site:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bulk.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await ensure_default_policy(session_factory(engine))  # as `anzexian migrate` does
    async with session_factory(engine)() as session, session.begin():
        world, other = await build_world(session), await build_world(session)
        policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
        theirs = await create_policy(session, insurer_id=other.insurer.id, unit_id=other.unit.id)
        session.add_all(
            [
                _principal(
                    "insurer-system", RoleBinding(role=Role.INSURER, insurer_id=world.insurer.id)
                ),
                _principal("unit-user", RoleBinding(role=Role.UNIT, unit_id=world.unit.id)),
            ]
        )
    await engine.dispose()
    settings = Settings(
        database_url=url,
        token_secret=SecretStr("test-secret-0123456789abcdef0123456789"),
        bulk_max_bytes=64 * 1024,
    )
    return Site(settings, world, policy, theirs, other)


@pytest.fixture
async def client(site: Site) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(site.settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c
    await app.state.engine.dispose()


def _auth(site: Site, name: str = "insurer-system") -> dict[str, str]:
    return {**NDJSON, "Authorization": f"Bearer {tokens.issue(site.settings, name)}"}


async def _records(site: Site) -> int:
    """Service records committed, read through an engine of the test's own."""
    engine = create_engine(site.settings.database_url)
    try:
        async with engine.connect() as conn:
            count = await conn.execute(select(func.count()).select_from(ServiceRecord))
            return int(count.scalar_one())
    finally:
        await engine.dispose()


async def test_three_lines_are_accepted(client: httpx.AsyncClient, site: Site) -> None:
    body = ndjson([record_line(site.world, site.policy)] * 3)
    response = await client.post("/bulk/service-records", content=body, headers=_auth(site))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["accepted"], answer["lines"], answer["created"]) == (True, 3, 3)
    assert len(answer["ids"]) == 3 and await _records(site) == 3


async def test_a_bad_line_is_reported_and_nothing_written(
    client: httpx.AsyncClient, site: Site
) -> None:
    body = ndjson([record_line(site.world, site.policy), record_line(site.other, site.theirs)])
    response = await client.post("/bulk/service-records", content=body, headers=_auth(site))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "line": 2,
            "field": "insurerId",
            "code": "NOT_YOUR_TENANT",
            "messageZh": "只能上传本保险机构的数据",
            "messageEn": "an insurer uploads its own data only",
            "rule": None,
        }
    ]
    assert await _records(site) == 0


async def test_no_token_is_401(client: httpx.AsyncClient, site: Site) -> None:
    body = ndjson([record_line(site.world, site.policy)])
    response = await client.post("/bulk/service-records", content=body, headers=NDJSON)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "UNAUTHENTICATED"


async def test_a_bad_token_is_401(client: httpx.AsyncClient, site: Site) -> None:
    headers = {**NDJSON, "Authorization": "Bearer not-a-jwt"}
    response = await client.post("/bulk/service-records", content=b"{}\n", headers=headers)
    assert response.status_code == 401 and response.json()["messageZh"]


async def _api_key(site: Site, name: str = "insurer-system", *, revoked: bool = False) -> str:
    """A new API key of ``name``, committed (the app reads it through its own engine)."""
    engine = create_engine(site.settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            created = await create_api_key(session, name, "nightly upload")
            if revoked:
                await revoke_api_key(session, created.row.prefix)
            return created.key
    finally:
        await engine.dispose()


async def test_an_api_key_uploads_in_either_header(client: httpx.AsyncClient, site: Site) -> None:
    key = await _api_key(site)
    body = ndjson([record_line(site.world, site.policy)])
    for header in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
        response = await client.post(
            "/bulk/service-records", content=body, headers={**NDJSON, **header}
        )
        assert response.status_code == 200, response.text
    assert await _records(site) == 2


async def test_a_revoked_api_key_is_401(client: httpx.AsyncClient, site: Site) -> None:
    key = await _api_key(site, revoked=True)
    body = ndjson([record_line(site.world, site.policy)])
    response = await client.post(
        "/bulk/service-records", content=body, headers={**NDJSON, "X-API-Key": key}
    )
    assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED")
    assert "吊销" in response.json()["messageZh"]
    assert await _records(site) == 0


async def test_a_unit_may_not_upload(client: httpx.AsyncClient, site: Site) -> None:
    response = await client.post(
        "/bulk/service-records", content=b"{}\n", headers=_auth(site, "unit-user")
    )
    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")


@pytest.mark.parametrize(
    ("path", "content_type", "status", "code"),
    [
        ("/bulk/complaints", "application/x-ndjson", 404, "UNKNOWN_KIND"),
        ("/bulk/service-records", "application/json", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ],
)
async def test_refused_before_reading(
    client: httpx.AsyncClient, site: Site, path: str, content_type: str, status: int, code: str
) -> None:
    headers = {**_auth(site), "Content-Type": content_type}
    response = await client.post(path, content=b"{}\n", headers=headers)
    assert (response.status_code, response.json()["code"]) == (status, code)


async def test_a_body_over_the_limit_is_413(client: httpx.AsyncClient, site: Site) -> None:
    body = ndjson([record_line(site.world, site.policy)] * 200)  # ~100 KiB > 64 KiB
    declared = await client.post("/bulk/service-records", content=body, headers=_auth(site))
    assert (declared.status_code, declared.json()["code"]) == (413, "BODY_TOO_LARGE")

    async def streamed() -> AsyncIterator[bytes]:  # no Content-Length: caught while reading
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    response = await client.post("/bulk/service-records", content=streamed(), headers=_auth(site))
    assert (response.status_code, response.json()["code"]) == (413, "BODY_TOO_LARGE")
    assert await _records(site) == 0


async def test_an_idempotent_retry_writes_nothing(client: httpx.AsyncClient, site: Site) -> None:
    headers = {**_auth(site), "Idempotency-Key": "nightly-2024-03-01"}
    body = ndjson([record_line(site.world, site.policy)] * 2)
    first = await client.post("/bulk/service-records", content=body, headers=headers)
    retry = await client.post("/bulk/service-records", content=body, headers=headers)
    assert first.status_code == retry.status_code == 200
    assert retry.json() == {**first.json(), "replayed": True}
    assert await _records(site) == 2
    other = await client.post("/bulk/service-records", content=body + body, headers=headers)
    assert (other.status_code, other.json()["code"]) == (409, "IDEMPOTENCY_KEY_REUSED")
    bad_key = {**headers, "Idempotency-Key": "tab\tinside"}
    refused = await client.post("/bulk/service-records", content=body, headers=bad_key)
    assert (refused.status_code, refused.json()["code"]) == (400, "IDEMPOTENCY_KEY_INVALID")
    assert await _records(site) == 2


async def test_uploads_share_the_principals_rate_with_graphql(site: Site) -> None:
    """One bucket per principal across /graphql and /bulk (server/limits.py): the burst
    spent on an upload is not available to a query, and the refusal says when to retry."""
    # A refill of one request per 1,000 s: the test must not depend on how long the first
    # upload takes (at 1/s a slow machine refilled the bucket before the third request).
    settings = site.settings.model_copy(update={"limit_rate": "insurer:0.001/2"})
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            body = ndjson([record_line(site.world, site.policy)])
            first = await client.post("/bulk/service-records", content=body, headers=_auth(site))
            query = await client.post(
                "/graphql",
                json={"query": "{ __typename }"},
                headers={"Authorization": _auth(site)["Authorization"]},
            )
            refused = await client.post("/bulk/service-records", content=body, headers=_auth(site))
    finally:
        await app.state.engine.dispose()

    assert (first.status_code, query.status_code) == (200, 200)
    assert refused.status_code == 429
    assert refused.json()["code"] == "RATE_LIMITED" and refused.json()["accepted"] is False
    assert int(refused.headers["Retry-After"]) >= 1
    assert await _records(site) == 1  # the refused upload wrote nothing
