"""Complaints (投诉) and their answers, R-6.4-complaint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import ComplaintStatus


class Complaint(CreatedAtMixin, Base):
    __tablename__ = "complaint"
    __table_args__ = (Index("ix_complaint_insurer_status", "insurer_id", "status"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("insured_unit.id"), index=True)
    service_record_id: Mapped[int | None] = mapped_column(ForeignKey("service_record.id"))
    filed_at: Mapped[datetime]
    request: Mapped[str] = mapped_column(Text)  # the complainant's request as filed
    # Needs further verification: the deadline is the longer one of the ruleset.
    needs_verification: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ComplaintStatus] = mapped_column(
        str_enum(ComplaintStatus, "complaint_status"), default=ComplaintStatus.OPEN
    )
    answered_at: Mapped[datetime | None]
    # The three required parts of an answer (R-6.4-complaint):
    answer_request: Mapped[str | None] = mapped_column(Text)  # 投诉人的投诉请求
    answer_facts: Mapped[str | None] = mapped_column(Text)  # 对基本事实的认定及依据
    answer_measures: Mapped[str | None] = mapped_column(Text)  # 对投诉事项的处理措施
    # Approved extension (published AQ 9010 text; used only by rulesets that allow it).
    extension_days: Mapped[int | None] = mapped_column(SmallInteger)
    extension_approver: Mapped[str | None] = mapped_column(String(64))
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extension_told_at: Mapped[datetime | None]
