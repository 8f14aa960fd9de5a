"""The head of one unit's archive chain: its last ``seq`` and ``hash``.

Appending locks this row (PostgreSQL: ``INSERT … ON CONFLICT DO UPDATE``, which locks it as
``SELECT … FOR UPDATE`` would; SQLite serialises writers), so two concurrent writers to one
unit's chain take turns instead of forking it; the unique ``(unit_id, seq)`` of
``archive_entry`` is the second guard. A derived row, not evidence:
``anzexian verify`` recomputes the chain and trusts only a signed checkpoint.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, IdType


class ArchiveHead(Base):
    __tablename__ = "archive_head"

    unit_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("insured_unit.id"), primary_key=True, autoincrement=False
    )
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
