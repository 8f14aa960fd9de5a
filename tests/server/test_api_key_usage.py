"""last_used_at: written at most once a minute per key, by this process and by all of them
together (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.api_key_usage import LAST_USED_INTERVAL, ApiKeyUsage
from services.api_keys import create_api_key
from store.base import utcnow
from store.models.api_key import ApiKey
from tests.factories.principal import create_principal


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


async def _new_key(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        principal = await create_principal(session)
        key_id = (await create_api_key(session, principal.name, "usage")).row.id
        await session.commit()
    return key_id


async def _last_used(sessions: async_sessionmaker[AsyncSession], key_id: int) -> datetime | None:
    async with sessions() as session:
        return (
            await session.execute(select(ApiKey.last_used_at).where(ApiKey.id == key_id))
        ).scalar_one()


async def test_one_write_per_minute_per_key(sessions: async_sessionmaker[AsyncSession]) -> None:
    key_id = await _new_key(sessions)
    clock = Clock()
    usage = ApiKeyUsage(sessions, clock=clock)
    t0 = utcnow()
    await usage.record(key_id, t0)
    assert await _last_used(sessions, key_id) == t0

    clock.now += 59
    await usage.record(key_id, t0 + timedelta(seconds=59))
    assert await _last_used(sessions, key_id) == t0  # throttled

    clock.now += 1
    await usage.record(key_id, t0 + LAST_USED_INTERVAL)
    assert await _last_used(sessions, key_id) == t0 + LAST_USED_INTERVAL


async def test_other_processes_are_throttled_by_the_stored_time(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    key_id = await _new_key(sessions)
    t0 = utcnow()
    await ApiKeyUsage(sessions, clock=Clock()).record(key_id, t0)
    # A second process, with no memory of its own, writes nothing within the minute...
    await ApiKeyUsage(sessions, clock=Clock()).record(key_id, t0 + timedelta(seconds=30))
    assert await _last_used(sessions, key_id) == t0
    # ...and writes once the minute has passed.
    later = t0 + LAST_USED_INTERVAL
    await ApiKeyUsage(sessions, clock=Clock()).record(key_id, later)
    assert await _last_used(sessions, key_id) == later
