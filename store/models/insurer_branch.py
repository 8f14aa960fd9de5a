"""Branches of an insurer (分支机构), each serving a region."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.base import Base, CreatedAtMixin, IdType
from store.models.insurer import Insurer
from store.models.region import Region


class InsurerBranch(CreatedAtMixin, Base):
    __tablename__ = "insurer_branch"
    __table_args__ = (UniqueConstraint("insurer_id", "name"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)

    insurer: Mapped[Insurer] = relationship(lazy="raise")
    region: Mapped[Region] = relationship(lazy="raise")
