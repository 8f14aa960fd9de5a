"""The per-process revocation cache: refreshed on a version change at most every N seconds,
fully reloaded every R seconds whatever the version says (SQLite and PostgreSQL).

A fake clock stands in for time, so the test states the bound exactly: a revocation is
invisible before the N-second check and enforced from it on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.revocation import RevocationCache
from server.tokens import Claims
from services.tokens_admin import logout_everywhere, revoke_jti
from store.base import utcnow
from store.models.revoked_token import RevokedToken
from tests.factories.principal import create_principal

N, R = 2.0, 60.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _claims(subject: str, jti: str, *, age: timedelta = timedelta(minutes=5)) -> Claims:
    issued = utcnow().replace(microsecond=0) - age
    return Claims(
        subject=subject, jti=jti, issued_at=issued, expires_at=issued + timedelta(hours=1)
    )


async def _commit(
    sessions: async_sessionmaker[AsyncSession], work: Callable[[AsyncSession], Awaitable[object]]
) -> None:
    async with sessions() as session:
        await work(session)
        await session.commit()


def _cache(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> RevocationCache:
    return RevocationCache(sessions, refresh_seconds=N, reload_seconds=R, clock=clock)


async def test_a_revoked_jti_is_enforced_at_the_next_check_not_before(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    cache = _cache(sessions, clock)
    claims = _claims("someone", "jti-under-test")
    assert (await cache.current()).refusal(claims) is None

    await _commit(sessions, lambda s: revoke_jti(s, claims.jti))
    clock.now += N - 0.01  # within N seconds of the last check: the cached answer stands
    assert (await cache.current()).refusal(claims) is None
    clock.now += 0.01  # N seconds after the last check: this very request sees it
    reason = (await cache.current()).refusal(claims)
    assert reason is not None and "revoked" in reason[1]


async def test_logout_everywhere_refuses_older_tokens_only(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    cache = _cache(sessions, clock)
    async with sessions() as session:
        name = (await create_principal(session)).name
        await session.commit()
    old = _claims(name, "old-token")
    await cache.current()

    await _commit(sessions, lambda s: logout_everywhere(s, name))
    clock.now += N
    state = await cache.current()
    assert state.refusal(old) is not None
    fresh = _claims(name, "new-token", age=timedelta(0))
    fresh = Claims(fresh.subject, fresh.jti, state.valid_after[name], fresh.expires_at)
    assert state.refusal(fresh) is None  # issued at the cut-off: accepted
    assert state.refusal(_claims("someone-else", "other")) is None


async def test_the_full_reload_catches_a_revocation_without_a_version_bump(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    cache = _cache(sessions, clock)
    claims = _claims("someone", "written-by-hand")
    await cache.current()

    async def by_hand(session: AsyncSession) -> None:  # as an operator's raw SQL would
        await session.execute(
            insert(RevokedToken).values(
                jti=claims.jti, revoked_at=utcnow(), expires_at=utcnow() + timedelta(hours=1)
            )
        )

    await _commit(sessions, by_hand)
    clock.now += N * 3  # version checks happen, the version did not move
    assert (await cache.current()).refusal(claims) is None
    clock.now += R  # the backstop
    assert (await cache.current()).refusal(claims) is not None


async def test_between_checks_the_cached_state_is_served_as_is(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    cache = _cache(sessions, clock)
    first = await cache.current()
    clock.now += N / 2
    assert await cache.current() is first  # same object: served from memory
