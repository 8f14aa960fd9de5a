"""Service schemes (事故预防技术服务方案, 3.4 and R-6.1-scheme), versioned, never overwritten."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.base import Base, CreatedAtMixin, IdType
from store.models.insurance_policy import InsurancePolicy
from store.models.scheme_item import SchemeItem


class ServiceScheme(CreatedAtMixin, Base):
    """One version of a unit's scheme; a change is a new row with ``version + 1``."""

    __tablename__ = "service_scheme"
    __table_args__ = (
        UniqueConstraint("policy_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("budget >= 0", name="budget_non_negative"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"), index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("insurance_policy.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("insured_unit.id"), index=True)
    version: Mapped[int]
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("service_scheme.id"))
    # The fields of 3.4 (items and frequency live in scheme_item, staff in scheme_staff):
    time_limits: Mapped[str] = mapped_column(Text)  # 服务时限
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)  # 服务机构
    budget: Mapped[Decimal]  # 费用预算
    expected_effect: Mapped[str] = mapped_column(Text)  # 预期效果
    guarantees: Mapped[str] = mapped_column(Text)  # 服务保障
    liability_terms: Mapped[str] = mapped_column(Text)  # 责任条款
    complaint_arbitration: Mapped[str] = mapped_column(Text)  # 投诉仲裁
    agreed_at: Mapped[datetime]  # 协商一致 with the unit (6.1)

    policy: Mapped[InsurancePolicy] = relationship(lazy="raise")
    items: Mapped[list[SchemeItem]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="SchemeItem.id"
    )
