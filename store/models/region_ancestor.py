"""Closure table of the region hierarchy: one row per (region, ancestor-or-self)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base


class RegionAncestor(Base):
    """Lets a jurisdiction compile to ``region_code IN (SELECT region_code ... WHERE
    ancestor_code = :j)`` — one indexed lookup, no recursive query, no string prefixes."""

    __tablename__ = "region_ancestor"
    __table_args__ = (Index("ix_region_ancestor_ancestor_region", "ancestor_code", "region_code"),)

    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    ancestor_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    depth: Mapped[int] = mapped_column(SmallInteger)  # 0 = the region itself
