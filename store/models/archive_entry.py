"""One entry of an insured unit's tamper-evident archive chain (R-7.4-archive).

An entry freezes one version of one archived row (``source_table`` / ``source_id`` /
``source_version``) as canonical JSON (services/archive/canonical.py) and chains it:
``hash`` = SHA-256 over the previous entry's hash and the entry's canonical envelope
(unit, seq, kind, source, version, time, content), so editing, removing, reordering or
moving an entry breaks every later hash. Append-only: the application never updates or
deletes an entry, and database triggers refuse it (migration 0008).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, IdType, UTCDateTime, utcnow


class ArchiveEntry(Base):
    __tablename__ = "archive_entry"
    __table_args__ = (
        UniqueConstraint("unit_id", "seq"),  # one chain per unit never forks
        Index("ix_archive_entry_source", "source_table", "source_id", "source_version"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("insured_unit.id"))
    # The insurer whose row this is: the own-tenant scope of an insurer reads its own entries.
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"), index=True)
    seq: Mapped[int] = mapped_column(BigInteger)  # 1, 2, … within the unit's chain
    kind: Mapped[str] = mapped_column(String(32))  # the document kind (services/archive/sources.py)
    source_table: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int] = mapped_column(BigInteger)
    source_version: Mapped[int] = mapped_column(Integer)  # 1 on insert, +1 per archived change
    content: Mapped[str] = mapped_column(Text)  # canonical JSON of the archived fields
    prev_hash: Mapped[str] = mapped_column(String(64))  # 64 zeros for seq 1
    hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
