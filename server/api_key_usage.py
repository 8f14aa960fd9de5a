"""``api_key.last_used_at``: recorded at most once a minute per key, outside the request.

Writing on every request would turn each read into a write and serialise an insurer's
concurrent calls on one row. So each process writes a key's row at most once per
``LAST_USED_INTERVAL``, and the UPDATE itself skips a row written less than an interval ago
(by any process): ``last_used_at`` lags the real last use by at most one minute.

The write is a short transaction of its own, after the authentication reads have ended and
before the request's transaction begins: a failed request keeps its "use", a failed write
(say SQLite busy) is logged and never fails the request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.repositories.api_key import ApiKeyRepository

LAST_USED_INTERVAL = timedelta(minutes=1)

logger = logging.getLogger(__name__)


class ApiKeyUsage:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        interval: timedelta = LAST_USED_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._interval = interval
        self._clock = clock
        self._written: dict[int, float] = {}  # key id -> clock() of this process's last write

    async def record(self, key_id: int, now: datetime) -> None:
        """Note a use of the key at ``now`` unless one was noted less than an interval ago."""
        tick = self._clock()
        last = self._written.get(key_id)
        if last is not None and tick - last < self._interval.total_seconds():
            return
        self._written[key_id] = tick  # before the write: concurrent requests skip it
        try:
            async with self._sessions() as session, session.begin():
                await ApiKeyRepository(session).touch(key_id, now, not_since=now - self._interval)
        except SQLAlchemyError:
            logger.warning("could not record the use of API key %s", key_id, exc_info=True)
