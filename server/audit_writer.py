"""The audit log's write-behind writer (审计日志): requests queue entries in memory, one
background task per process appends them in batches, in its own transaction.

Why write-behind: an entry must add no statement and no round trip to the request's own
transaction (a page of a connection is one statement, and the read path is measured against
hand-written SQL). So the request only queues its entry, after its answer is decided, and
this task appends the entries waiting when it wakes (store/repositories/audit_entry.py: one
statement per batch of ``ANZEXIAN_AUDIT_BATCH`` on PostgreSQL) every
``ANZEXIAN_AUDIT_FLUSH_SECONDS`` (default 0.5), or at once when a batch waits.

Back-pressure, never a drop: the queue holds at most ``ANZEXIAN_AUDIT_QUEUE`` entries, and
at most ``id_capacity`` row ids across them (an entry lists up to 5,000,
services.audit.MAX_IDS_PER_ENTRY, so entries alone would not bound the memory); a request
finding either full waits (its response with it) until the writer makes room. A database
that refuses the appends therefore slows the API down rather than let it read unaudited; the
writer retries an outage for as long as it lasts. Only a batch the database keeps refusing
for another reason (a bug, a constraint), or that cannot be written while shutting down, is
given up after a few attempts, and then each of its entries goes to the error log as JSON,
so nothing leaves without a trace.

The loss window, stated plainly: entries live only in memory until flushed. A crash of the
process (SIGKILL, out of memory, power loss) loses the entries not yet flushed — those of the
last flush interval, plus any queued behind a slow database. A graceful shutdown (the app's
lifespan ending, as on SIGTERM to uvicorn) stops taking requests first and then flushes
everything that is queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import asdict

import orjson
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.repositories.audit_entry import AuditEntryRepository, NewAuditEntry

logger = logging.getLogger(__name__)

# Row ids queued at most, across entries: about 40 MB of Python ints and lists, and 200
# entries listing the most an entry may.
ID_CAPACITY = 1_000_000
GIVE_UP_AFTER = 3  # attempts at a batch the database refuses for a reason other than an outage
MAX_BACKOFF_SECONDS = 30.0


class AuditWriter:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        flush_seconds: float = 0.5,
        batch_size: int = 500,
        capacity: int = 10_000,
        id_capacity: int = ID_CAPACITY,
    ) -> None:
        self.sessions = sessions
        self.flush_seconds = flush_seconds
        self.batch_size = batch_size
        self.id_capacity = id_capacity
        self._queue: asyncio.Queue[NewAuditEntry] = asyncio.Queue(maxsize=capacity)
        self._ids = 0  # row ids held by queued entries and the batch being written
        self._room = asyncio.Event()  # set when a batch has left memory
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self.written = 0  # entries appended since start (for tests and metrics)

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    async def submit(self, entry: NewAuditEntry) -> None:
        """Queue one entry; waits while the queue is full, in entries or in row ids
        (back-pressure). An entry heavier than ``id_capacity`` alone waits for an empty
        queue rather than forever."""
        weight = entry.id_count
        if (self._queue.full() or self._over(weight)) and self._task is None:
            # An app driven without its lifespan (httpx.ASGITransport) never starts the task.
            logger.warning("audit writer not running (the app's lifespan starts it): waiting")
        while self._over(weight):
            self._room.clear()
            self._wake.set()  # write now rather than at the next tick: requests wait
            await self._room.wait()
        self._ids += weight
        await self._queue.put(entry)
        if self._queue.qsize() >= self.batch_size:
            self._wake.set()

    @property
    def queued_ids(self) -> int:
        return self._ids

    def _over(self, weight: int) -> bool:
        return self._ids > 0 and self._ids + weight > self.id_capacity

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def stop(self) -> None:
        """Flush everything queued, then end the task (the lifespan's shutdown)."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        while self.pending:  # whatever was queued after the task's last look
            await self.flush()

    async def flush(self) -> None:
        """Append every entry queued now, a batch at a time. Entries queued while it writes
        wait for the next tick: draining until the queue is empty kept the writer busy for
        as long as requests came, in batches of the few that arrived during each write —
        a transaction of four round trips per handful of entries, about a tenth of a
        point lookup's CPU under load (bench/RESULTS.md) — instead of one per tick."""
        remaining = self.pending
        while remaining > 0:
            batch = [self._queue.get_nowait() for _ in range(min(self.batch_size, remaining))]
            remaining -= len(batch)
            try:
                await self._append(batch)
            finally:  # written or spilled to the error log: out of memory either way
                self._ids -= sum(entry.id_count for entry in batch)
                self._room.set()

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.flush_seconds)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:  # never let the task die: the queue would fill for good
                logger.exception("audit writer: flush failed")

    async def _append(self, batch: list[NewAuditEntry]) -> None:
        refused = 0
        backoff = self.flush_seconds
        while True:
            try:
                async with self.sessions() as session, session.begin():
                    await AuditEntryRepository(session).append(batch)
                self.written += len(batch)
                return
            except Exception as exc:
                # An outage is waited out, except when shutting down: then it counts too.
                if self._stopping or not _outage(exc):
                    refused += 1
                    if refused >= GIVE_UP_AFTER:
                        _spill(batch, exc)
                        return
                logger.warning("audit writer: %d entries not yet written (%s)", len(batch), exc)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)


def _outage(exc: Exception) -> bool:
    """The database is unreachable (worth waiting for) rather than refusing the rows."""
    if isinstance(exc, OperationalError | InterfaceError | OSError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _spill(batch: list[NewAuditEntry], exc: Exception) -> None:
    logger.error("audit writer: the database refused %d entries: %s", len(batch), exc)
    for entry in batch:
        record = {**asdict(entry), "subjects": sorted(entry.subjects)}
        logger.error("audit entry not stored: %s", orjson.dumps(record, default=str).decode())
