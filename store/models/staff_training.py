"""Training records of management staff (R-7.1-staff: at least once a year)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType


class StaffTraining(CreatedAtMixin, Base):
    __tablename__ = "staff_training"
    __table_args__ = (CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"), index=True)
    trained_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    provider: Mapped[str | None] = mapped_column(String(128))
