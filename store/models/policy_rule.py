"""Casbin policy rules, stored so the policy changes without a deploy (policies/)."""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType


class PolicyRule(CreatedAtMixin, Base):
    """One ``p, role, resource, action, scope`` line (Casbin's ptype and v0..v3)."""

    __tablename__ = "policy_rule"
    __table_args__ = (UniqueConstraint("ptype", "v0", "v1", "v2", "v3"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    ptype: Mapped[str] = mapped_column(String(8))
    v0: Mapped[str] = mapped_column(String(64))  # role
    v1: Mapped[str] = mapped_column(String(128))  # resource (or resource.column)
    v2: Mapped[str] = mapped_column(String(32))  # action
    v3: Mapped[str] = mapped_column(String(32))  # scope kind
