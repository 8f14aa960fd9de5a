"""A principal's role and the subject it is bound to (jurisdiction, tenant, unit, agency)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import Role


class RoleBinding(CreatedAtMixin, Base):
    __tablename__ = "role_binding"
    __table_args__ = (
        # Each scoped role names the subject its scope is compiled from.
        CheckConstraint(
            "(role <> 'regulator' OR region_code IS NOT NULL)"
            " AND (role <> 'insurer' OR insurer_id IS NOT NULL)"
            " AND (role <> 'unit' OR unit_id IS NOT NULL)"
            " AND (role <> 'agency' OR agency_id IS NOT NULL)",
            name="subject_for_role",
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    principal_id: Mapped[int] = mapped_column(
        ForeignKey("principal.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))  # jurisdiction
    industry_codes: Mapped[list[str] | None] = mapped_column(JSON)  # optional industry set
    insurer_id: Mapped[int | None] = mapped_column(ForeignKey("insurer.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("insured_unit.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
