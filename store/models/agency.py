"""Technical service agencies (安全生产技术服务机构, 3.5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import AgencyKind, AgencyStatus
from store.models.agency_qualification import AgencyQualification


class Agency(CreatedAtMixin, Base):
    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[AgencyKind] = mapped_column(str_enum(AgencyKind, "agency_kind"))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    # R-7.1-staff: dynamic adjustment; a suspended agency gets no new work.
    status: Mapped[AgencyStatus] = mapped_column(
        str_enum(AgencyStatus, "agency_status"), default=AgencyStatus.ACTIVE
    )
    status_changed_at: Mapped[datetime | None]
    status_reason: Mapped[str | None] = mapped_column(Text)

    qualifications: Mapped[list[AgencyQualification]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="AgencyQualification.id"
    )
