"""Bearer-token revocation, cached per process and refreshed by a cheap version check.

What is cached: the ids (``jti``) of revoked tokens that have not expired yet, and each
principal's "logged out everywhere" cut-off (``principal.tokens_valid_after``). Every
revocation bumps the single row of ``auth_version`` in its own transaction
(``services.tokens_admin``, ``services.api_keys``).

The bound, for every server process: a request compares the cached version with the
database's at most every ``ANZEXIAN_AUTH_REFRESH_SECONDS`` (N, default 2) and reloads the
state when it differs, before it checks its own token. So every request that starts N
seconds or more after a revocation commits is refused; the request that notices the change
is refused itself ("N seconds plus that one request": no request is let through to trigger
the reload). The whole state is also reloaded every ``ANZEXIAN_AUTH_RELOAD_SECONDS``
(default 60) whatever the version says: the backstop for a revocation written without a
bump (by hand in SQL, or a restored backup).

API keys need no cache: their row (hash, expiry, ``revoked_at``) is read on every request
that presents one, so a revoked key is refused by the next request in every process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.tokens import Claims
from server.versioned import VersionedCache
from services.token_lifetime import MAX_TOKEN_LIFETIME
from store.base import utcnow
from store.repositories.principal import PrincipalRepository
from store.repositories.revoked_token import RevokedTokenRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RevocationState:
    version: int | None  # auth_version when the state was read
    revoked_jtis: frozenset[str] = frozenset()
    valid_after: Mapping[str, datetime] = field(default_factory=dict)  # principal -> cut-off

    def refusal(self, claims: Claims) -> tuple[str, str] | None:
        """(Chinese, English) reason to refuse a verified token, or ``None``."""
        if claims.jti in self.revoked_jtis:
            return "令牌已被吊销", "token has been revoked"
        cutoff = self.valid_after.get(claims.subject)
        if cutoff is not None and claims.issued_at < cutoff:
            return (
                "令牌已失效：该用户已被要求在所有设备上重新登录",
                "token has been revoked: its principal was logged out everywhere",
            )
        return None


async def load_state(session: AsyncSession, version: int | None, now: datetime) -> RevocationState:
    """Read the state; ``version`` must have been read before, so the state is at least as
    new as the version it is filed under (a newer one only causes one more reload)."""
    jtis = await RevokedTokenRepository(session).unexpired_jtis(now)
    # A cut-off older than the longest token lifetime refuses nothing expiry does not.
    cutoffs = await PrincipalRepository(session).tokens_valid_after(since=now - MAX_TOKEN_LIFETIME)
    return RevocationState(version=version, revoked_jtis=frozenset(jtis), valid_after=cutoffs)


class RevocationCache:
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
            _load,
            refresh_seconds=refresh_seconds,
            reload_seconds=reload_seconds,
            clock=clock,
            on_reload=_log_reload,
        )

    async def current(self) -> RevocationState:
        """The state, first refreshed when the last version check is N seconds old."""
        return await self._cache.get()


async def _load(session: AsyncSession, version: int | None) -> RevocationState:
    return await load_state(session, version, utcnow())


def _log_reload(_previous: int | None, version: int | None) -> None:
    logger.debug("revocation state reloaded at auth_version %s", version)
