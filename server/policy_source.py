"""The access policy as the server uses it: loaded from ``policy_rule`` on first use and
reloaded every ``ANZEXIAN_POLICY_RELOAD_SECONDS``, so a policy edited in the database reaches
every process within that bound without a deploy or a restart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from policies.enforcer import Decisions


class PolicySource:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        reload_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.reload_seconds = reload_seconds
        self.clock = clock
        self._decisions: Decisions | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def decisions(self) -> Decisions:
        if self._fresh():
            assert self._decisions is not None
            return self._decisions
        async with self._lock:  # one reload at a time; the others wait for its result
            if not self._fresh():
                self._decisions = await Decisions.load(self.sessions)
                self._loaded_at = self.clock()
        assert self._decisions is not None
        return self._decisions

    def _fresh(self) -> bool:
        return self._decisions is not None and self.clock() - self._loaded_at < self.reload_seconds
