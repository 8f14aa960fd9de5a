"""The search outbox's queries: enqueue (ORM flushes here; Core bulk inserts write the same
``outbox_rows`` with store/repositories/bulk.py's multi-row insert), claim and settle a
batch, park dead letters, replay after a reindex, purge, and the indexer's lease."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.base import utcnow
from store.models.search_dead_letter import SearchDeadLetter
from store.models.search_indexer_lease import LEASE_ID, SearchIndexerLease
from store.models.search_outbox import SearchOutbox

# Table written → (what the outbox names, the column holding its key). A child row names its
# parent: a new hazard changes its service record's document. The indexer maps these to the
# documents they change (search/indexer.py).
SOURCES: dict[str, tuple[str, str]] = {
    "service_record": ("service_record", "id"),
    "hazard": ("service_record", "service_record_id"),
    "follow_up": ("service_record", "service_record_id"),
    "complaint": ("complaint", "id"),
    "service_scheme": ("service_scheme", "id"),
    "scheme_item": ("service_scheme", "scheme_id"),
    "annual_evaluation": ("annual_evaluation", "id"),
    "insured_unit": ("insured_unit", "id"),
    "insurance_policy": ("insurance_policy", "id"),  # a unit's insurers (scope own_tenant)
    "insurer": ("insurer", "id"),  # its name in its evaluations' documents
}


def outbox_rows(
    table: str, rows: Iterable[Mapping[str, Any]], ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """The outbox rows for ``rows`` written to ``table`` (``ids``: their new keys, when the
    rows themselves do not hold them); one per distinct key."""
    source = SOURCES.get(table)
    if source is None:
        return []
    entity, column = source
    keys = ids if column == "id" and ids is not None else [row[column] for row in rows]
    now = utcnow()
    return [
        {"entity": entity, "row_id": int(key), "created_at": now, "attempts": 0}
        for key in dict.fromkeys(keys)
        if key is not None
    ]


def enqueue_sync(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Inside an ORM flush (store/outbox.py): the flush's own connection and transaction."""
    if rows:
        connection.execute(insert(SearchOutbox), rows)


class SearchOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def pending(self, limit: int) -> list[SearchOutbox]:
        stmt = (
            select(SearchOutbox)
            .where(SearchOutbox.processed_at.is_(None))
            .order_by(SearchOutbox.id)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def pending_count(self) -> int:
        stmt = select(func.count()).where(SearchOutbox.processed_at.is_(None))
        return int((await self.session.execute(stmt)).scalar_one())

    async def lag(self) -> tuple[int, datetime | None]:
        """Rows waiting for the indexer and when the oldest of them was written (metrics)."""
        stmt = select(func.count(), func.min(SearchOutbox.created_at)).where(
            SearchOutbox.processed_at.is_(None)
        )
        count, oldest = (await self.session.execute(stmt)).one()
        return int(count), oldest

    async def settle(self, done: Sequence[int], retry: Sequence[int], now: datetime) -> None:
        """``done`` rows are processed (indexed, deleted or parked); ``retry`` rows stay
        pending with one more attempt counted."""
        if done:
            await self.session.execute(
                update(SearchOutbox).where(SearchOutbox.id.in_(done)).values(processed_at=now)
            )
        if retry:
            await self.session.execute(
                update(SearchOutbox)
                .where(SearchOutbox.id.in_(retry))
                .values(attempts=SearchOutbox.attempts + 1)
            )

    async def park(self, letters: Sequence[Mapping[str, Any]]) -> None:
        if letters:
            await self.session.execute(insert(SearchDeadLetter), list(letters))

    async def dead_letters(
        self, limit: int | None = None, ids: Sequence[int] | None = None
    ) -> list[SearchDeadLetter]:
        """Parked documents, oldest first (at most ``limit``; only ``ids`` when given)."""
        stmt = select(SearchDeadLetter).order_by(SearchDeadLetter.id).limit(limit)
        if ids is not None:
            stmt = stmt.where(SearchDeadLetter.id.in_(ids))
        return list((await self.session.execute(stmt)).scalars())

    async def dead_letter_counts(self) -> dict[str, int]:
        """How many parked rows per document type."""
        stmt = (
            select(SearchDeadLetter.doc_type, func.count())
            .group_by(SearchDeadLetter.doc_type)
            .order_by(SearchDeadLetter.doc_type)
        )
        return {doc_type: int(n) for doc_type, n in (await self.session.execute(stmt)).all()}

    async def unpark(self, letter_ids: Sequence[int]) -> None:
        """Remove dead letters (their documents were put back into the outbox)."""
        if letter_ids:
            await self.session.execute(
                delete(SearchDeadLetter).where(SearchDeadLetter.id.in_(letter_ids))
            )

    async def enqueue(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(insert(SearchOutbox), rows)

    async def replay_since(self, since: datetime) -> int:
        """Make every row processed at or after ``since`` pending again (after a reindex
        swapped in an index built from an older snapshot); returns how many."""
        result = await self.session.execute(
            update(SearchOutbox).where(SearchOutbox.processed_at >= since).values(processed_at=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def mark_all_processed(self, now: datetime) -> int:
        """Everything pending is covered by a rebuild that read the database after it."""
        result = await self.session.execute(
            update(SearchOutbox).where(SearchOutbox.processed_at.is_(None)).values(processed_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def purge(self, before: datetime) -> None:
        await self.session.execute(delete(SearchOutbox).where(SearchOutbox.processed_at < before))

    async def take_lease(self, holder: str, seconds: float, now: datetime) -> bool:
        """Take or renew the indexer lease; False while another live holder has it."""
        expires = now + timedelta(seconds=seconds)
        result = await self.session.execute(
            update(SearchIndexerLease)
            .where(
                SearchIndexerLease.id == LEASE_ID,
                or_(
                    SearchIndexerLease.holder.is_(None),
                    SearchIndexerLease.holder == holder,
                    SearchIndexerLease.expires_at < now,
                ),
            )
            .values(holder=holder, expires_at=expires)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return True
        exists = await self.session.execute(
            select(SearchIndexerLease.id).where(SearchIndexerLease.id == LEASE_ID)
        )
        if exists.first() is not None:
            return False
        await self.session.execute(
            insert(SearchIndexerLease).values(id=LEASE_ID, holder=holder, expires_at=expires)
        )
        return True

    async def release_lease(self, holder: str) -> None:
        await self.session.execute(
            update(SearchIndexerLease)
            .where(SearchIndexerLease.id == LEASE_ID, SearchIndexerLease.holder == holder)
            .values(holder=None, expires_at=None)
        )
