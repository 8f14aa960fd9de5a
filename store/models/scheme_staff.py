"""Staff named by a scheme (服务人员)."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base


class SchemeStaff(Base):
    __tablename__ = "scheme_staff"

    scheme_id: Mapped[int] = mapped_column(
        ForeignKey("service_scheme.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), primary_key=True)
