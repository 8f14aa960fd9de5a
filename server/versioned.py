"""A per-process cache of something the database holds, refreshed by a cheap version check:
the one scheme behind the revocation state (server/revocation.py) and the access policy
(server/policy_source.py).

Every change of what is cached bumps the single row of ``auth_version`` in the change's own
transaction. A caller asks for the value; at most every ``refresh_seconds`` (N) the cache
compares the stored version with the one its value was read at and reloads when they
differ, before answering. So every request that starts N seconds or more after a change
commits sees it, the request that notices the change included. Whatever the version says,
the value is reloaded every ``reload_seconds``: the backstop for a change written without a
bump (by hand in SQL, a restored backup). Between checks no statement is sent.

A reload builds a complete new value and swaps one reference: a reader never sees half of
one, and keeps the value it was given to its end.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.repositories.auth_version import AuthVersionRepository

T = TypeVar("T")

# Reads the value at the given version, which was read before in the same session, so the
# value is at least as new as the version it is filed under (a newer value only costs one
# more reload).
Load = Callable[[AsyncSession, int | None], Awaitable[T]]


class VersionedCache(Generic[T]):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        load: Load[T],
        *,
        refresh_seconds: float,
        reload_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        on_reload: Callable[[int | None, int | None], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._load = load
        self._refresh_seconds = refresh_seconds
        self._reload_seconds = reload_seconds
        self._clock = clock
        self._on_reload = on_reload  # (old version, new version), for a log line
        self._value: tuple[int | None, T] | None = None  # (version read at, value)
        self._checked_at = -math.inf  # clock() when the last version check *started*
        self._loaded_at = -math.inf
        self._lock = asyncio.Lock()

    async def get(self) -> T:
        """The value, first refreshed when the last version check is N seconds old."""
        cached = self._value
        if cached is not None and self._fresh():
            return cached[1]
        async with self._lock:  # one check at a time; the requests queued behind it re-test
            if self._value is None or not self._fresh():
                await self._refresh()
        assert self._value is not None
        return self._value[1]

    def _fresh(self) -> bool:
        now = self._clock()
        return (
            now - self._checked_at < self._refresh_seconds
            and now - self._loaded_at < self._reload_seconds
        )

    async def _refresh(self) -> None:
        # Timed from the start: a check racing a commit is followed by another within N s.
        started = self._clock()
        async with self._sessions() as session:
            version = await AuthVersionRepository(session).current()
            previous = None if self._value is None else self._value[0]
            moved = self._value is None or previous != version
            if moved or started - self._loaded_at >= self._reload_seconds:
                self._value = (version, await self._load(session, version))  # the swap
                self._loaded_at = started
                if moved and self._on_reload is not None:
                    self._on_reload(previous, version)
        self._checked_at = started
