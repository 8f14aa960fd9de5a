"""Dead letters (死信): the documents the search backend refused for another reason than load,
parked by the indexer with the reason (search/indexer.py), and their retry.

A retry moves parked rows back into the outbox, as one pending outbox row per document (the
document type is the outbox entity of the same name), and deletes them from the dead letter
table, in one transaction: run twice, the second run finds nothing to move. The indexer then
rebuilds each document from the database as it is by then (search/sources.py), so a retry
after the cause was fixed (a mapping, a document builder) indexes the current row, and a row
deleted meanwhile becomes a delete of its document. A document refused again is parked again,
with the new reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from store.models.search_dead_letter import SearchDeadLetter
from store.repositories.search_outbox import SearchOutboxRepository


@dataclass(frozen=True)
class DeadLetters:
    counts: dict[str, int]  # per document type, all of them
    letters: list[SearchDeadLetter]  # the oldest ``limit``

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Requeued:
    letters: int  # dead letter rows removed
    documents: int  # outbox rows added (one per distinct document)


async def dead_letters(session: AsyncSession, limit: int) -> DeadLetters:
    repo = SearchOutboxRepository(session)
    return DeadLetters(await repo.dead_letter_counts(), await repo.dead_letters(limit))


async def requeue(
    session: AsyncSession, now: datetime, ids: Sequence[int] | None = None
) -> Requeued:
    """Move the dead letters (only ``ids`` when given; unknown ids are ignored) back into the
    outbox; the caller's transaction makes the move all-or-nothing."""
    repo = SearchOutboxRepository(session)
    letters = await repo.dead_letters(ids=ids)
    documents = dict.fromkeys((d.doc_type, int(d.doc_id)) for d in letters)
    await repo.enqueue(
        [
            {"entity": doc_type, "row_id": key, "created_at": now, "attempts": 0}
            for doc_type, key in documents
        ]
    )
    await repo.unpark([d.id for d in letters])
    return Requeued(letters=len(letters), documents=len(documents))
