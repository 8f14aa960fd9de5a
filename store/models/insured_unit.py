"""Insured units (投保单位): companies identified by their unified social credit code."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.base import Base, CreatedAtMixin, IdType, sensitive
from store.models.industry import Industry
from store.models.region import Region


class InsuredUnit(CreatedAtMixin, Base):
    __tablename__ = "insured_unit"
    __table_args__ = (CheckConstraint("staff_count >= 0", name="staff_count_non_negative"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)  # GB 32100
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    industry_code: Mapped[str] = mapped_column(ForeignKey("industry.code"), index=True)
    # 规模以上: with a high-risk industry, triggers R-5.1-annual.
    above_designated_size: Mapped[bool]
    staff_count: Mapped[int] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(String(256))
    # R-4.2-privacy: contact person's data and the unit's business secrets.
    contact_name: Mapped[str | None] = mapped_column(String(64), info=sensitive("personal"))
    contact_phone: Mapped[str | None] = mapped_column(String(32), info=sensitive("personal"))
    business_secret_notes: Mapped[str | None] = mapped_column(
        Text, info=sensitive("business_secret")
    )

    region: Mapped[Region] = relationship(lazy="raise")
    industry: Mapped[Industry] = relationship(lazy="raise")
