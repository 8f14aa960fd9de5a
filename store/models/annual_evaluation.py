"""Annual evaluation reports (年度评估报告), R-8.1-evaluation and R-8.2-publication."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import EvaluationMethod, EvaluationStatus


class AnnualEvaluation(CreatedAtMixin, Base):
    __tablename__ = "annual_evaluation"
    __table_args__ = (
        UniqueConstraint("insurer_id", "year", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("annual_evaluation.id"))
    method: Mapped[EvaluationMethod] = mapped_column(
        str_enum(EvaluationMethod, "evaluation_method")
    )
    evaluator: Mapped[str | None] = mapped_column(String(128))  # the third party, if any
    # The six sections of R-8.1-evaluation:
    scheme_implementation: Mapped[str] = mapped_column(Text)  # 服务方案实施情况及效果
    unit_satisfaction: Mapped[str] = mapped_column(Text)  # 投保单位满意度
    fee_expenditure: Mapped[str] = mapped_column(Text)  # 服务费用支出情况
    staff_competence: Mapped[str] = mapped_column(Text)  # 机构和人员的专业能力
    complaints_handling: Mapped[str] = mapped_column(Text)  # 投诉及处理情况
    problems_and_measures: Mapped[str] = mapped_column(Text)  # 存在的问题和改进措施
    # Published indicators shown on the public portal (R-8.2-publication).
    units_served: Mapped[int | None]
    services_delivered: Mapped[int | None]
    satisfaction_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    complaints_received: Mapped[int | None]
    complaints_answered_on_time: Mapped[int | None]
    fee_income: Mapped[Decimal | None]
    fee_spent: Mapped[Decimal | None]
    status: Mapped[EvaluationStatus] = mapped_column(
        str_enum(EvaluationStatus, "evaluation_status"), default=EvaluationStatus.DRAFT
    )
    submitted_at: Mapped[datetime | None]
    submitted_to: Mapped[str | None] = mapped_column(String(128))  # 应急管理部门
    published_at: Mapped[datetime | None]
