"""A service item of a scheme: content and frequency (服务内容和频次)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, IdType, str_enum
from store.enums import ServiceCategory


class SchemeItem(Base):
    __tablename__ = "scheme_item"
    __table_args__ = (
        UniqueConstraint("scheme_id", "category"),
        CheckConstraint("frequency_per_year >= 1", name="frequency_positive"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("service_scheme.id", ondelete="CASCADE"))
    category: Mapped[ServiceCategory] = mapped_column(str_enum(ServiceCategory, "service_category"))
    frequency_per_year: Mapped[int]
    description: Mapped[str | None] = mapped_column(Text)
