"""Wiring over HTTP: health, readiness, GraphQL, and bearer-token authentication."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from server import tokens
from server.app import create_app
from server.settings import Settings
from store.database import create_engine, session_factory
from store.enums import PrincipalKind, Role
from store.migrate import upgrade
from store.models.principal import Principal
from store.models.role_binding import RoleBinding


@pytest.fixture
async def settings(tmp_path: Path) -> Settings:
    """A migrated SQLite file holding one admin principal (committed: the app reads it)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'http.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    async with session_factory(engine)() as session, session.begin():
        principal = Principal(
            kind=PrincipalKind.USER, name="ops-admin", display_name="运维管理员", active=True
        )
        principal.bindings.append(RoleBinding(role=Role.ADMIN))
        session.add(principal)
    await engine.dispose()
    return Settings(
        database_url=url, token_secret=SecretStr("test-secret-0123456789abcdef0123456789")
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c
    await app.state.engine.dispose()


VIEWER = "{ viewer { name roles } }"


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_database_and_migrations(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok"}


async def test_no_token_is_public(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": VIEWER})
    assert response.status_code == 200
    assert response.json()["data"]["viewer"] == {"name": "public", "roles": ["PUBLIC"]}


async def test_token_identifies_principal(client: httpx.AsyncClient, settings: Settings) -> None:
    token = tokens.issue(settings, "ops-admin")
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.json()["data"]["viewer"] == {"name": "ops-admin", "roles": ["ADMIN"]}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-jwt",
        "Basic b3BzOnB3",
        "Bearer {expired}",
        "Bearer {wrong_key}",
        "Bearer {unknown_subject}",
    ],
)
async def test_bad_tokens_are_refused_not_downgraded(
    client: httpx.AsyncClient, settings: Settings, header: str
) -> None:
    header = header.format(
        expired=tokens.issue(settings, "ops-admin", ttl=timedelta(seconds=-1)),
        wrong_key=tokens.issue(
            settings.model_copy(
                update={"token_secret": SecretStr("another-key-0123456789abcdef012345")}
            ),
            "ops-admin",
        ),
        unknown_subject=tokens.issue(settings, "nobody"),
    )
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["extensions"]["messageZh"]


async def test_service_categories_carry_chinese_terms(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ serviceCategories { code labelZh } }"}
    )
    terms = response.json()["data"]["serviceCategories"]
    assert [t["code"] for t in terms] == [
        "training",
        "risk_assessment",
        "standardization",
        "hazard_investigation",
        "emergency_plan",
        "tech_promotion",
    ]
    assert terms[3]["labelZh"] == "生产安全事故隐患排查"


async def test_compiled_read_over_http(client: httpx.AsyncClient) -> None:
    query = """{ serviceRecords(first: 5) { totalCount edges { cursor node { id } }
                 pageInfo { hasNextPage endCursor } }
               regions(filter: {level: [PROVINCE]}) { totalCount } }"""
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert body["data"] == {
        "serviceRecords": {
            "totalCount": 0,
            "edges": [],
            "pageInfo": {"hasNextPage": False, "endCursor": None},
        },
        "regions": {"totalCount": 0},
    }


async def test_page_size_error_over_http_has_code_and_chinese(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ serviceRecords(first: 5000) { totalCount } }"}
    )
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"
    assert "1000" in error["extensions"]["messageZh"]


async def test_token_identity_is_cached_within_the_revocation_bound(
    settings: Settings,
) -> None:
    """A token's principal is read once per bound: later requests within it need no
    authentication statement, and a deactivation is seen once the bound has passed."""
    from sqlalchemy import update

    from store.models.principal import Principal

    app = create_app(settings.model_copy(update={"auth_refresh_seconds": 60}))
    clock = [1000.0]
    app.state.authenticator.clock = lambda: clock[0]
    token = tokens.issue(settings, "ops-admin")
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        first = await client.post("/graphql", json={"query": VIEWER}, headers=headers)
        assert first.status_code == 200
        async with session_factory(app.state.engine)() as session, session.begin():
            await session.execute(update(Principal).values(active=False))
        cached = await client.post("/graphql", json={"query": VIEWER}, headers=headers)
        assert cached.status_code == 200  # within the bound: the cached identity
        clock[0] += 61
        refused = await client.post("/graphql", json={"query": VIEWER}, headers=headers)
        assert refused.status_code == 401  # past it: read again, inactive
    await app.state.engine.dispose()
