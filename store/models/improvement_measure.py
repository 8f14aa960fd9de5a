"""Improvement measures (改进措施) and their progress, R-8.3-improvement."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import ImprovementSource, ImprovementStatus


class ImprovementMeasure(CreatedAtMixin, Base):
    __tablename__ = "improvement_measure"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"), index=True)
    source: Mapped[ImprovementSource] = mapped_column(
        str_enum(ImprovementSource, "improvement_source")
    )
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("annual_evaluation.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up.id"))
    problem: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None]
    status: Mapped[ImprovementStatus] = mapped_column(
        str_enum(ImprovementStatus, "improvement_status"), default=ImprovementStatus.PLANNED
    )
    progress_note: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
