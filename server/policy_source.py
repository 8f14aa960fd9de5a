"""The access policy as the server uses it, cached per process and refreshed by a cheap
version check (``server/versioned.py``, the scheme of ``server/revocation.py`` too).

Every write to ``policy_rule`` bumps the single row of ``auth_version`` in its own
transaction (``store/repositories/policy_rule.py``: the repository does it, so neither
``anzexian policy`` nor the Casbin adapter nor ``anzexian migrate`` can forget it).

The bound, for every server process: a request compares the cached version with the
database's at most every ``ANZEXIAN_POLICY_REFRESH_SECONDS`` (N, default 2) and reloads the
policy when it differs, before it is authorized. So every request that starts N seconds or
more after a policy change commits is decided by the new policy, the request that notices
the change included. The whole policy is also reloaded every
``ANZEXIAN_POLICY_RELOAD_SECONDS`` (default 30) whatever the version says: the backstop for
a rule written without a bump (by hand in SQL, or a restored backup).

A request never sees half a policy: a reload builds a complete new ``Decisions`` and swaps
one reference; a request keeps the ``Decisions`` it started with to its end.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from policies.enforcer import Decisions
from server.versioned import VersionedCache

logger = logging.getLogger(__name__)


class PolicySource:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        refresh_seconds: float,
        reload_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache = VersionedCache(
            sessions,
            # The Casbin adapter opens its own session; it still reads after the version.
            lambda _session, _version: Decisions.load(sessions),
            refresh_seconds=refresh_seconds,
            reload_seconds=reload_seconds,
            clock=clock,
            on_reload=_log_reload,
        )

    async def decisions(self) -> Decisions:
        """The policy, first refreshed when the last version check is N seconds old.

        Between checks this touches no database: no statement per request."""
        return await self._cache.get()


def _log_reload(previous: int | None, version: int | None) -> None:
    if previous is not None:
        logger.info("access policy reloaded: auth_version %s -> %s", previous, version)
