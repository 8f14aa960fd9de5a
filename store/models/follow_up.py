"""Follow-up visits (回访) after a service, R-6.3-followup."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import FollowUpMethod


class FollowUp(CreatedAtMixin, Base):
    __tablename__ = "follow_up"
    __table_args__ = (CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    service_record_id: Mapped[int] = mapped_column(
        ForeignKey("service_record.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[FollowUpMethod] = mapped_column(str_enum(FollowUpMethod, "follow_up_method"))
    visited_at: Mapped[datetime]
    satisfaction: Mapped[int] = mapped_column(
        SmallInteger
    )  # 1 very dissatisfied … 5 very satisfied
    comments: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
