"""Hazards found by a service (隐患), with the major-hazard flag of R-6.2-major-hazard."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, IdType


class Hazard(Base):
    __tablename__ = "hazard"
    __table_args__ = (Index("ix_hazard_major_told", "is_major", "told_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    service_record_id: Mapped[int] = mapped_column(
        ForeignKey("service_record.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    is_major: Mapped[bool]  # 重大事故隐患
    found_at: Mapped[datetime]
    # R-6.2-major-hazard: when the unit was told; NULL on a major hazard is a finding.
    told_at: Mapped[datetime | None]
    rectified_at: Mapped[datetime | None]
