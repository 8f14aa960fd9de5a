"""Which indexer drains the search outbox now: one row, taken for a few seconds at a time.

One indexer at a time, whatever the number of server processes: each batch reads the current
rows and writes them, so two indexers could land an older read after a newer one. The lease
is taken and renewed in short transactions of its own, never held across a call to the
search backend (on SQLite that would hold the write lock and stall every write).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

LEASE_ID = 1


class SearchIndexerLease(Base):
    __tablename__ = "search_indexer_lease"
    __table_args__ = (CheckConstraint(f"id = {LEASE_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holder: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None]
