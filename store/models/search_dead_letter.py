"""Documents the search backend refused for another reason than load (a 400, a mapping
error): parked here with the reason instead of being retried forever (search/indexer.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, IdType, utcnow


class SearchDeadLetter(Base):
    __tablename__ = "search_dead_letter"
    __table_args__ = (Index("ix_search_dead_letter_doc", "doc_type", "doc_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(BigInteger)  # no foreign key: the outbox is purged
    doc_type: Mapped[str] = mapped_column(String(32))
    doc_id: Mapped[str] = mapped_column(String(32))
    backend: Mapped[str] = mapped_column(String(16))  # opensearch | fts5
    status: Mapped[int] = mapped_column(SmallInteger)  # the item's HTTP-style status
    reason: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)
