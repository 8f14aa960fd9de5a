"""Staff who delivered a service record (服务人员)."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base


class ServiceRecordStaff(Base):
    __tablename__ = "service_record_staff"

    service_record_id: Mapped[int] = mapped_column(
        ForeignKey("service_record.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_member.id"), primary_key=True, index=True
    )
