"""An insured unit's confirmation or dispute of a service record (R-6.3-archive)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import ConfirmationDecision


class UnitConfirmation(CreatedAtMixin, Base):
    """Append-only: a later decision is a new row, the latest one counts."""

    __tablename__ = "unit_confirmation"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    service_record_id: Mapped[int] = mapped_column(
        ForeignKey("service_record.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("insured_unit.id"), index=True)
    decision: Mapped[ConfirmationDecision] = mapped_column(
        str_enum(ConfirmationDecision, "confirmation_decision")
    )
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime]
