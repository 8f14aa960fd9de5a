"""Service items a policy agrees on, with their yearly frequency (R-4.1-contract)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, IdType, str_enum
from store.enums import ServiceCategory


class PolicyServiceItem(Base):
    __tablename__ = "policy_service_item"
    __table_args__ = (
        UniqueConstraint("policy_id", "category"),
        CheckConstraint("frequency_per_year >= 1", name="frequency_positive"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("insurance_policy.id", ondelete="CASCADE"))
    category: Mapped[ServiceCategory] = mapped_column(str_enum(ServiceCategory, "service_category"))
    frequency_per_year: Mapped[int]
