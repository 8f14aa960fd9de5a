"""The search outbox: one row per change of a searchable row, written in the change's own
transaction (store/outbox.py), drained by the indexer (search/indexer.py).

A row names what changed (``entity``: the table, or the parent table for a child row such as
a hazard) and its key; the indexer reads the current state from the database, so the row
carries no payload and a replay is harmless. Processed rows stay ``retention`` hours (setting
``ANZEXIAN_SEARCH_OUTBOX_RETENTION_HOURS``) so that ``anzexian reindex`` can replay what
changed while it was rebuilding.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, IdType, utcnow


class SearchOutbox(Base):
    __tablename__ = "search_outbox"
    __table_args__ = (Index("ix_search_outbox_pending", "processed_at", "id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]  # NULL: waiting for the indexer
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)  # 429s and outages seen
