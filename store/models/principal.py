"""Principals: people (users) and insurers' systems (API clients)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import PrincipalKind
from store.models.role_binding import RoleBinding


class Principal(CreatedAtMixin, Base):
    __tablename__ = "principal"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[PrincipalKind] = mapped_column(str_enum(PrincipalKind, "principal_kind"))
    name: Mapped[str] = mapped_column(String(128), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(default=True)
    # "Log out everywhere": bearer tokens issued before this instant are refused (whole
    # seconds, rounded up, because a JWT's iat is in whole seconds).
    tokens_valid_after: Mapped[datetime | None]

    bindings: Mapped[list[RoleBinding]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RoleBinding.id"
    )
