"""Authentication over HTTP (SQLite): API keys in either header, revoked and expired
credentials refused with 401 UNAUTHENTICATED, last use recorded at most once a minute.

The app checks the revocation version on every request here (refresh 0 s); the N-second
bound is tested in test_revocation.py (one process) and test_revocation_processes.py (two).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from server import tokens
from server.api_key_usage import ApiKeyUsage
from server.app import create_app
from server.settings import Settings
from services.api_keys import create_api_key, revoke_api_key
from services.tokens_admin import logout_everywhere, revoke_jti
from store.base import utcnow
from store.database import create_engine, session_factory
from store.enums import PrincipalKind, Role
from store.migrate import upgrade
from store.models.api_key import ApiKey
from store.models.principal import Principal
from store.models.role_binding import RoleBinding

T = TypeVar("T")
VIEWER = "{ viewer { name roles } }"


@dataclass(frozen=True)
class Site:
    settings: Settings

    async def commit(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run ``work`` in a committed transaction of an engine of the test's own."""
        engine = create_engine(self.settings.database_url)
        try:
            async with session_factory(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    async def key(self, name: str = "ops-admin", *, days: int | None = None) -> str:
        return (await self.commit(lambda s: create_api_key(s, name, "ci", days=days))).key

    async def last_used(self, key: str) -> datetime | None:
        async def read(session: AsyncSession) -> datetime | None:
            stmt = select(ApiKey.last_used_at).where(ApiKey.prefix == key.split("_")[1])
            return (await session.execute(stmt)).scalar_one()

        return await self.commit(read)


@pytest.fixture
async def site(tmp_path: Path) -> Site:
    url = f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    async with session_factory(engine)() as session, session.begin():
        for name in ("ops-admin", "other-admin"):
            principal = Principal(
                kind=PrincipalKind.API_CLIENT, name=name, display_name=name, active=True
            )
            principal.bindings.append(RoleBinding(role=Role.ADMIN))
            session.add(principal)
    await engine.dispose()
    return Site(
        Settings(
            database_url=url,
            token_secret=SecretStr("test-secret-0123456789abcdef0123456789"),
            auth_refresh_seconds=0,
        )
    )


@pytest.fixture
async def app_client(site: Site) -> AsyncIterator[tuple[httpx.AsyncClient, Starlette]]:
    app = create_app(site.settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c, app
    await app.state.engine.dispose()


@pytest.fixture
def client(app_client: tuple[httpx.AsyncClient, Starlette]) -> httpx.AsyncClient:
    return app_client[0]


async def _viewer(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/graphql", json={"query": VIEWER}, headers=headers)


def _refused(response: httpx.Response, reason_en: str) -> None:
    assert response.status_code == 401, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["extensions"]["messageZh"]
    assert reason_en in error["message"], error["message"]


@pytest.mark.parametrize("header", ["X-API-Key", "Authorization"])
async def test_an_api_key_authenticates_graphql(
    client: httpx.AsyncClient, site: Site, header: str
) -> None:
    key = await site.key()
    value = key if header == "X-API-Key" else f"Bearer {key}"
    response = await _viewer(client, {header: value})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"] == {"name": "ops-admin", "roles": ["ADMIN"]}


async def test_revoked_and_expired_keys_are_401(client: httpx.AsyncClient, site: Site) -> None:
    key = await site.key()
    assert (await _viewer(client, {"X-API-Key": key})).status_code == 200
    await site.commit(lambda s: revoke_api_key(s, key.split("_")[1]))
    _refused(await _viewer(client, {"X-API-Key": key}), "revoked")

    expiring = await site.key(days=1)
    prefix = expiring.split("_")[1]
    await site.commit(
        lambda s: s.execute(
            update(ApiKey).where(ApiKey.prefix == prefix).values(expires_at=utcnow())
        )
    )
    _refused(await _viewer(client, {"Authorization": f"Bearer {expiring}"}), "expired")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"X-API-Key": "azx_zzzzzzzz_" + "a" * 43}, "unknown API key"),
        ({"X-API-Key": "azx_short"}, "malformed API key"),
        ({"X-API-Key": "eyJhbGciOiJIUzI1NiJ9.e30.sig"}, "X-API-Key must hold an API key"),
        ({"X-API-Key": "azx_x", "Authorization": "Bearer y"}, "not both"),
    ],
)
async def test_unknown_and_malformed_keys_are_401(
    client: httpx.AsyncClient, headers: dict[str, str], reason: str
) -> None:
    _refused(await _viewer(client, headers), reason)


async def test_a_revoked_jwt_is_401(client: httpx.AsyncClient, site: Site) -> None:
    issued = tokens.mint(site.settings, "ops-admin")
    bearer = {"Authorization": f"Bearer {issued.token}"}
    assert (await _viewer(client, bearer)).status_code == 200
    await site.commit(lambda s: revoke_jti(s, issued.claims.jti))
    _refused(await _viewer(client, bearer), "revoked")
    other = tokens.issue(site.settings, "ops-admin")  # another jti: unaffected
    assert (await _viewer(client, {"Authorization": f"Bearer {other}"})).status_code == 200


async def test_logout_everywhere_refuses_old_tokens_and_keys_only(
    client: httpx.AsyncClient, site: Site
) -> None:
    token = tokens.issue(site.settings, "ops-admin")
    key = await site.key()
    bystander = tokens.issue(site.settings, "other-admin")
    out = await site.commit(lambda s: logout_everywhere(s, "ops-admin"))
    _refused(await _viewer(client, {"Authorization": f"Bearer {token}"}), "logged out")
    _refused(await _viewer(client, {"X-API-Key": key}), "revoked")
    assert (await _viewer(client, {"Authorization": f"Bearer {bystander}"})).status_code == 200
    # The cut-off is the next whole second (iat has whole seconds): a token issued once it
    # has passed is accepted.
    await asyncio.sleep(max(0.0, (out.valid_after - utcnow()).total_seconds()) + 0.01)
    fresh = tokens.issue(site.settings, "ops-admin")
    assert (await _viewer(client, {"Authorization": f"Bearer {fresh}"})).status_code == 200


async def test_a_jwt_without_jti_is_refused(client: httpx.AsyncClient, site: Site) -> None:
    import jwt

    now = utcnow()
    legacy = jwt.encode(
        {
            "sub": "ops-admin",
            "iss": site.settings.token_issuer,
            "aud": site.settings.token_audience,
            "iat": now,
            "exp": now + timedelta(hours=1),
        },
        site.settings.token_secret.get_secret_value(),
        algorithm=tokens.ALGORITHM,
    )
    _refused(await _viewer(client, {"Authorization": f"Bearer {legacy}"}), "jti")


async def test_last_use_is_recorded_at_most_once_a_minute(
    app_client: tuple[httpx.AsyncClient, Starlette], site: Site
) -> None:
    client, app = app_client
    ticks = [0.0]
    authenticator = app.state.authenticator
    authenticator.usage = ApiKeyUsage(authenticator.sessions, clock=lambda: ticks[0])
    key = await site.key()
    assert await site.last_used(key) is None

    before = utcnow()
    assert (await _viewer(client, {"X-API-Key": key})).status_code == 200
    first = await site.last_used(key)
    assert first is not None and first >= before - timedelta(seconds=1)

    ticks[0] += 30
    assert (await _viewer(client, {"X-API-Key": key})).status_code == 200
    assert await site.last_used(key) == first  # throttled: no write within the minute

    # A minute later (for this process's memory and for the stored time alike)
    ticks[0] += 30
    prefix = key.split("_")[1]
    await site.commit(
        lambda s: s.execute(
            update(ApiKey)
            .where(ApiKey.prefix == prefix)
            .values(last_used_at=first - timedelta(minutes=1))
        )
    )
    assert (await _viewer(client, {"X-API-Key": key})).status_code == 200
    latest = await site.last_used(key)
    assert latest is not None and latest >= first
