"""Administrative divisions (行政区划), GB/T 2260."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.base import Base, str_enum
from store.enums import RegionLevel


class Region(Base):
    """A GB/T 2260 division. The hierarchy is the ``parent_code`` column, not the digits:
    419001 济源市 hangs under 410000 河南省 and 500200 县 under 500000 重庆市."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[RegionLevel] = mapped_column(str_enum(RegionLevel, "region_level"))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)

    parent: Mapped[Region | None] = relationship(remote_side=[code], lazy="raise")
