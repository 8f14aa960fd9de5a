"""An agency's qualification certificates (资质)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, IdType


class AgencyQualification(Base):
    __tablename__ = "agency_qualification"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    certificate_no: Mapped[str] = mapped_column(String(64))
    valid_until: Mapped[date | None]
