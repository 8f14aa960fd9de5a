"""Insurance policies (保险合同) between an insurer and an insured unit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.base import Base, CreatedAtMixin, IdType
from store.models.insured_unit import InsuredUnit
from store.models.insurer import Insurer
from store.models.policy_service_item import PolicyServiceItem


class InsurancePolicy(CreatedAtMixin, Base):
    __tablename__ = "insurance_policy"
    __table_args__ = (
        UniqueConstraint("insurer_id", "policy_no"),
        CheckConstraint("period_end > period_start", name="period_in_order"),
        CheckConstraint("premium > 0", name="premium_positive"),
        CheckConstraint(
            "prevention_fee_ratio >= 0 AND prevention_fee_ratio <= 1", name="fee_ratio_range"
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"), index=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("insurer_branch.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("insured_unit.id"), index=True)
    policy_no: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[date]
    period_end: Mapped[date]  # exclusive: the policy year is [start, end)
    premium: Mapped[Decimal]
    # R-7.3-ledger: share of premium set aside for prevention services, e.g. 0.2000.
    prevention_fee_ratio: Mapped[Decimal] = mapped_column(Numeric(5, 4))

    insurer: Mapped[Insurer] = relationship(lazy="raise")
    unit: Mapped[InsuredUnit] = relationship(lazy="raise")
    # R-4.1-contract: the contract names the service items and their frequency.
    service_items: Mapped[list[PolicyServiceItem]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="PolicyServiceItem.id"
    )
