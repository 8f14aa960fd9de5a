"""Experts and staff (安全生产专业技术人员, 机构人员, 管理人员); personal fields are marked."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType, sensitive, str_enum
from store.enums import StaffKind


class StaffMember(CreatedAtMixin, Base):
    __tablename__ = "staff_member"
    __table_args__ = (
        CheckConstraint("insurer_id IS NOT NULL OR agency_id IS NOT NULL", name="has_employer"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[StaffKind] = mapped_column(str_enum(StaffKind, "staff_kind"))
    insurer_id: Mapped[int | None] = mapped_column(ForeignKey("insurer.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    specialty: Mapped[str | None] = mapped_column(String(128))
    qualification: Mapped[str | None] = mapped_column(String(128))
    hired_on: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    # R-4.2-privacy: masked for every role the policy does not name.
    phone: Mapped[str | None] = mapped_column(String(32), info=sensitive("personal"))
    id_number: Mapped[str | None] = mapped_column(String(18), info=sensitive("personal"))
