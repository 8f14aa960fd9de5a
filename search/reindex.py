"""``anzexian reindex``: rebuild every type from the database into a new versioned index and
swap its alias, without downtime (searches read the old index until the swap).

Writes go on meanwhile. Their outbox rows are drained into the old index (the alias) until
the swap; so after it, every outbox row processed since the rebuild started (less a margin
for clocks and transactions in flight) is made pending again, and the indexer replays those
documents into the new index from the database as it is then. What was pending stays
pending. A replay only rewrites documents, so the margin costs time, never correctness.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tqdm import tqdm

from search.backend import SearchBackend
from search.documents import DOC_TYPES
from search.indexer import bulk_with_backoff
from search.sources import actions
from store.base import utcnow
from store.repositories.search_outbox import SearchOutboxRepository
from store.repositories.search_source import SearchChangeRepository

REPLAY_MARGIN = timedelta(minutes=5)


@dataclass
class ReindexReport:
    documents: dict[str, int] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)  # type → "id: reason"
    indexes: dict[str, str] = field(default_factory=dict)
    type_seconds: dict[str, float] = field(default_factory=dict)  # per type, for the figures
    replayed: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.documents.values())


async def _one_type(
    sessions: async_sessionmaker[AsyncSession],
    backend: SearchBackend,
    doc_type: str,
    batch_size: int,
    progress: bool,
    report: ReindexReport,
    sleep: Callable[[float], Awaitable[Any]],
) -> None:
    clock = asyncio.get_running_loop().time()
    index = await backend.new_index(doc_type)
    async with sessions() as session:
        total = await SearchChangeRepository(session).count(doc_type)
    done, after = 0, 0
    failures: list[str] = []
    with tqdm(total=total, desc=doc_type, unit="doc", disable=not progress) as bar:
        while True:
            async with sessions() as session:
                ids = await SearchChangeRepository(session).ids_after(doc_type, after, batch_size)
                planned = await actions(session, ((doc_type, i) for i in ids))
                await session.rollback()
            if not ids:
                break
            after = ids[-1]
            batch = [a for a in planned if a.document is not None]  # deleted since the count
            results = await bulk_with_backoff(
                backend, batch, targets={doc_type: index}, sleep=sleep
            )
            failures.extend(
                f"{a.doc_id}: {r.error or r.status}"
                for a, r in zip(batch, results, strict=True)
                if not r.ok
            )
            done += sum(1 for r in results if r.ok)
            bar.update(len(ids))
    await backend.refresh()
    await backend.swap_alias(doc_type, index)
    report.documents[doc_type] = done
    report.indexes[doc_type] = index
    report.type_seconds[doc_type] = asyncio.get_running_loop().time() - clock
    if failures:
        report.failed[doc_type] = failures


async def reindex(
    sessions: async_sessionmaker[AsyncSession],
    backend: SearchBackend,
    *,
    types: Sequence[str] = DOC_TYPES,
    batch_size: int = 1000,
    progress: bool = True,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> ReindexReport:
    loop = asyncio.get_running_loop()
    started, clock = utcnow(), loop.time()
    report = ReindexReport()
    await backend.ensure()
    for doc_type in types:
        await _one_type(sessions, backend, doc_type, batch_size, progress, report, sleep)
    async with sessions() as session, session.begin():
        report.replayed = await SearchOutboxRepository(session).replay_since(
            started - REPLAY_MARGIN
        )
    report.seconds = loop.time() - clock
    return report
