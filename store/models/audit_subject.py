"""The insured units whose archive rows an audited operation returned: the index behind
"who read this unit's archive" (审计日志, R-7.4-archive, R-7.5-sharing)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, IdType


class AuditSubject(Base):
    __tablename__ = "audit_subject"
    __table_args__ = (
        # "Who read unit U", newest first: a range scan of one unit's entries.
        Index("ix_audit_subject_unit_entry", "insured_unit_id", "audit_entry_id"),
    )

    audit_entry_id: Mapped[int] = mapped_column(ForeignKey("audit_entry.id"), primary_key=True)
    # No foreign key to insured_unit: the log records what was read and must never refuse
    # an entry; units are archive rows, kept at least five years anyway (R-7.4-archive).
    insured_unit_id: Mapped[int] = mapped_column(IdType, primary_key=True)
