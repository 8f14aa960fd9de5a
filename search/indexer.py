"""The indexer: drains the search outbox into the backend with the bulk API.

One round: take the lease (one indexer at a time), read a batch of pending outbox rows and
build their documents from the database, send them in one bulk request, then settle each
outbox row by its documents' item statuses — done; 429 (the cluster is shedding load):
retried with exponential backoff, and left pending if it persists; anything else: parked in
``search_dead_letter`` with the reason. A backend that cannot be reached leaves the whole
batch pending: an outage delays search, it never blocks or loses a write, and the indexer
catches up when the backend answers again. No transaction is open during the bulk call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from search.backend import BackendUnavailable, IndexAction, ItemResult, SearchBackend
from search.sources import DocRef, actions, touched
from store.base import utcnow
from store.repositories.search_outbox import SearchOutboxRepository

logger = logging.getLogger(__name__)

TOO_MANY_REQUESTS = 429


@dataclass
class DrainReport:
    leased: bool = True
    outbox_rows: int = 0
    indexed: int = 0
    deleted: int = 0
    parked: int = 0
    retry_later: int = 0  # outbox rows left pending after repeated 429s

    @property
    def documents(self) -> int:
        return self.indexed + self.deleted


async def bulk_with_backoff(
    backend: SearchBackend,
    batch: Sequence[IndexAction],
    *,
    targets: dict[str, str] | None = None,
    attempts: int = 5,
    base_delay: float = 0.5,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> list[ItemResult]:
    """One bulk request, then the items answered 429 again (only those), waiting 0.5, 1, 2 …
    seconds in between; what is still 429 after ``attempts`` is returned as 429."""
    results = await backend.bulk(batch, targets=targets)
    for attempt in range(1, attempts):
        again = [i for i, r in enumerate(results) if r.status == TOO_MANY_REQUESTS]
        if not again:
            break
        await sleep(base_delay * 2 ** (attempt - 1))
        retried = await backend.bulk([batch[i] for i in again], targets=targets)
        for i, result in zip(again, retried, strict=True):
            results[i] = result
    return results


class Indexer:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        backend: SearchBackend,
        *,
        batch_size: int = 500,
        lease_seconds: float = 60.0,
        retention_hours: float = 24.0,
        retry_attempts: int = 5,
        retry_base_delay: float = 0.5,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.sessions = sessions
        self.backend = backend
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self.retention = timedelta(hours=retention_hours)
        self.retry_attempts = retry_attempts
        self.retry_base_delay = retry_base_delay
        self.sleep = sleep
        self.holder = f"indexer-{uuid.uuid4().hex[:16]}"
        self._renew_after = utcnow()  # until then the lease is surely ours: no write
        self._next_purge = utcnow()

    async def _lease(self) -> bool:
        # Writes are few on purpose: on SQLite each one takes the single write lock, which
        # writing requests then wait for (store.database.begin_write). So the lease is
        # renewed at half its term, not every round.
        now = utcnow()
        if now < self._renew_after:
            return True
        async with self.sessions() as session, session.begin():
            taken = await SearchOutboxRepository(session).take_lease(
                self.holder, self.lease_seconds, now
            )
        if taken:
            self._renew_after = now + timedelta(seconds=self.lease_seconds / 2)
        return taken

    async def _idle(self) -> bool:
        async with self.sessions() as session:
            waiting = await SearchOutboxRepository(session).pending(1)
            await session.rollback()
        return not waiting

    async def release(self) -> None:
        self._renew_after = utcnow()
        async with self.sessions() as session, session.begin():
            await SearchOutboxRepository(session).release_lease(self.holder)

    async def _plan(self) -> tuple[list[int], dict[DocRef, list[int]], list[IndexAction]]:
        async with self.sessions() as session:
            rows = [
                (row.id, row.entity, row.row_id)
                for row in await SearchOutboxRepository(session).pending(self.batch_size)
            ]
            origin: dict[DocRef, list[int]] = defaultdict(list)
            for outbox_id, entity, key in rows:
                for ref in await touched(session, (entity, key)):
                    origin[ref].append(outbox_id)
            planned = await actions(session, origin)
            await session.rollback()  # read-only; nothing held during the bulk call
        return [outbox_id for outbox_id, _, _ in rows], origin, planned

    async def drain_once(self) -> DrainReport:
        """One batch; raises ``BackendUnavailable`` (nothing settled) when the backend is
        down."""
        if await self._idle():  # nothing to do: not even the lease is written
            return DrainReport()
        if not await self._lease():
            return DrainReport(leased=False)
        row_ids, origin, planned = await self._plan()
        report = DrainReport(outbox_rows=len(row_ids))
        if not row_ids:
            return report
        results = await bulk_with_backoff(
            self.backend,
            planned,
            attempts=self.retry_attempts,
            base_delay=self.retry_base_delay,
            sleep=self.sleep,
        )
        retry: set[int] = set()
        letters: list[dict[str, Any]] = []
        now = utcnow()
        for action, result in zip(planned, results, strict=True):
            sources = origin[(action.doc_type, int(action.doc_id))]
            if result.ok:
                if action.document is None:
                    report.deleted += 1
                else:
                    report.indexed += 1
            elif result.status == TOO_MANY_REQUESTS:
                retry.update(sources)
            else:
                report.parked += 1
                letters.append(
                    {
                        "outbox_id": sources[0],
                        "doc_type": action.doc_type,
                        "doc_id": action.doc_id,
                        "backend": self.backend.name,
                        "status": result.status,
                        "reason": result.error or f"status {result.status}",
                        "failed_at": now,
                    }
                )
        done = [i for i in row_ids if i not in retry]
        report.retry_later = len(retry)
        async with self.sessions() as session, session.begin():
            repo = SearchOutboxRepository(session)
            await repo.settle(done, sorted(retry), now)
            await repo.park(letters)
            if now >= self._next_purge:  # processed rows older than the retention
                await repo.purge(now - self.retention)
                self._next_purge = now + timedelta(minutes=10)
        if letters:
            logger.warning("search indexer parked %d document(s): %s", len(letters), letters[0])
        return report

    async def catch_up(self, *, max_rounds: int = 1_000_000) -> DrainReport:
        """Drain until nothing is pending (or only rows the backend keeps refusing with 429);
        raises ``BackendUnavailable`` when the backend is down."""
        total = DrainReport()
        for _ in range(max_rounds):
            report = await self.drain_once()
            if not report.leased:
                total.leased = False
                return total
            total.outbox_rows += report.outbox_rows
            total.indexed += report.indexed
            total.deleted += report.deleted
            total.parked += report.parked
            total.retry_later += report.retry_later
            if report.outbox_rows < self.batch_size or report.retry_later == report.outbox_rows:
                return total
        return total

    async def run(self, stop: asyncio.Event, *, interval: float = 1.0) -> None:
        """Drain until ``stop`` is set: at once while batches are full, every ``interval``
        seconds otherwise, backing off up to a minute while the backend is down."""
        delay = interval
        while not stop.is_set():
            try:
                report = await self.drain_once()
                full = report.outbox_rows >= self.batch_size and not report.retry_later
                delay = 0.0 if full else interval
            except BackendUnavailable as exc:
                delay = min(max(delay * 2, interval), 60.0)
                logger.warning("search backend unavailable, retrying in %.0f s: %s", delay, exc)
            except Exception:  # the loop outlives any bug of one round
                delay = min(max(delay * 2, interval), 60.0)
                logger.exception("search indexer round failed; retrying in %.0f s", delay)
            if delay:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)
        try:
            await self.release()
        except Exception:  # shutting down: the lease simply expires
            logger.warning("search indexer could not release its lease", exc_info=True)
