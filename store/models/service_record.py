"""Service records (服务记录): one delivered (or planned) prevention service, clause 5 and 6."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import ResponsibleParty, ServiceCategory, ServiceStatus
from store.models.hazard import Hazard
from store.models.insured_unit import InsuredUnit
from store.models.insurer import Insurer


class ServiceRecord(CreatedAtMixin, Base):
    __tablename__ = "service_record"
    __table_args__ = (
        Index("ix_service_record_insurer_completed", "insurer_id", "completed_at"),
        Index("ix_service_record_unit_completed", "unit_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("insured_unit.id"))
    policy_id: Mapped[int] = mapped_column(ForeignKey("insurance_policy.id"), index=True)
    # R-6.1-scheme: services are recorded against a scheme; a missing one is a finding.
    scheme_id: Mapped[int | None] = mapped_column(ForeignKey("service_scheme.id"), index=True)
    category: Mapped[ServiceCategory] = mapped_column(
        str_enum(ServiceCategory, "service_category"), index=True
    )
    status: Mapped[ServiceStatus] = mapped_column(
        str_enum(ServiceStatus, "service_status"), default=ServiceStatus.PLANNED
    )
    planned_on: Mapped[date]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]  # the clock of R-6.3-followup / R-6.3-archive starts here
    place: Mapped[str] = mapped_column(String(256))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    # R-5.3-responsibility: who answers for this service.
    responsible_party: Mapped[ResponsibleParty] = mapped_column(
        str_enum(ResponsibleParty, "responsible_party")
    )
    responsible_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    content: Mapped[str] = mapped_column(Text)
    process: Mapped[str | None] = mapped_column(Text)
    organised_at: Mapped[datetime | None]  # R-6.3-archive: record organised (整理) at

    insurer: Mapped[Insurer] = relationship(lazy="raise")
    unit: Mapped[InsuredUnit] = relationship(lazy="raise")
    hazards: Mapped[list[Hazard]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="Hazard.id"
    )
