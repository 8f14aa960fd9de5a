"""Insurers (保险机构): the tenants of the platform."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType


class Insurer(CreatedAtMixin, Base):
    __tablename__ = "insurer"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # short tenant code, e.g. "PICC"
    name: Mapped[str] = mapped_column(String(128))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
