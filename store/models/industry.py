"""Industries (行业), with the high-risk category of R-5.1-annual."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, str_enum
from store.enums import HighRiskCategory


class Industry(Base):
    __tablename__ = "industry"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # GB/T 4754 style code
    name: Mapped[str] = mapped_column(String(64))
    # R-5.1-annual: which of the standard's high-risk industries this is, if any.
    high_risk_category: Mapped[HighRiskCategory | None] = mapped_column(
        str_enum(HighRiskCategory, "high_risk_category")
    )

    @property
    def high_risk(self) -> bool:
        return self.high_risk_category is not None
