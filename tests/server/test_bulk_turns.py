"""POST /bulk/{kind} takes turns (ANZEXIAN_BULK_CONCURRENCY, server/bulk.py): beyond the
limit an upload waits, its body unread and no connection held, until one in progress ends;
within it uploads proceed side by side. Observed through when the second upload reaches
``begin_write`` (its first use of the database): before or after the first is let go."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import ensure_default_policy
from server import tokens
from server.app import create_app
from server.settings import Settings
from store.database import begin_write, create_engine, session_factory
from store.enums import PrincipalKind, Role
from store.migrate import upgrade
from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from tests.factories.bulk_lines import ndjson, record_line
from tests.factories.insurance_policy import create_policy
from tests.factories.world import build_world

NAME = "insurer-system"


async def _site(tmp_path: Path, concurrency: int) -> tuple[Settings, bytes]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await ensure_default_policy(session_factory(engine))
    async with session_factory(engine)() as session, session.begin():
        world = await build_world(session)
        policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
        principal = Principal(
            kind=PrincipalKind.API_CLIENT, name=NAME, display_name=NAME, active=True
        )
        principal.bindings.append(RoleBinding(role=Role.INSURER, insurer_id=world.insurer.id))
        session.add(principal)
        line = ndjson([record_line(world, policy)])
    await engine.dispose()
    settings = Settings(
        database_url=url,
        token_secret=SecretStr("test-secret-0123456789abcdef0123456789"),
        bulk_concurrency=concurrency,
    )
    return settings, line


@pytest.mark.parametrize("concurrency", [1, 2])
async def test_uploads_beyond_the_limit_wait_their_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, concurrency: int
) -> None:
    settings, line = await _site(tmp_path, concurrency)
    events: list[str] = []
    first_began, second_began = asyncio.Event(), asyncio.Event()

    release = asyncio.Event()

    async def observed_begin_write(session: AsyncSession) -> None:
        name = "first" if not events else "second"
        events.append(f"{name} began" + (" after release" if release.is_set() else ""))
        (first_began if name == "first" else second_began).set()
        await begin_write(session)

    monkeypatch.setattr("server.bulk.begin_write", observed_begin_write)

    async def held_body() -> AsyncIterator[bytes]:
        yield line
        await release.wait()  # the first upload stays in progress until released
        yield line

    headers = {
        "Content-Type": "application/x-ndjson",
        "Authorization": f"Bearer {tokens.issue(settings, NAME)}",
    }
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

            async def post(body: Any, name: str) -> httpx.Response:
                response = await client.post("/bulk/service-records", content=body, headers=headers)
                events.append(f"{name} ended")
                return response

            first = asyncio.create_task(post(held_body(), "first"))
            await asyncio.wait_for(first_began.wait(), timeout=30)  # it has its turn
            second = asyncio.create_task(post(line, "second"))
            if concurrency == 1:
                # It authenticates, then waits: it must not reach the database meanwhile.
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(second_began.wait(), timeout=0.5)
            else:
                await asyncio.wait_for(second_began.wait(), timeout=30)
            release.set()
            responses = await asyncio.gather(first, second)
    finally:
        await app.state.engine.dispose()
    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    assert [r.json()["created"] for r in responses] == [2, 1]
    # With one turn the second upload reached the database only once the first was let
    # go; with two it went ahead while the first was still reading its body.
    then = "second began after release" if concurrency == 1 else "second began"
    assert events[:2] == ["first began", then], events
    assert sorted(events[2:]) == ["first ended", "second ended"]
