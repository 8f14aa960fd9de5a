"""The history of an agency's status (R-7.1-staff: agencies are adjusted dynamically; a
suspended agency gets no new work): one row per suspension or reinstatement, never changed,
so that findings can tell whether work was given to an agency on a day it was suspended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import AgencyStatus


class AgencyStatusChange(CreatedAtMixin, Base):
    __tablename__ = "agency_status_change"
    # The findings read an agency's changes in time order (findings_agencies.py).
    __table_args__ = (Index("ix_agency_status_change_agency_at", "agency_id", "changed_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    status: Mapped[AgencyStatus] = mapped_column(str_enum(AgencyStatus, "agency_status"))
    changed_at: Mapped[datetime]  # from this instant on the agency has ``status``
    reason: Mapped[str | None] = mapped_column(Text)
    # Who decided it; None when not recorded (a row backfilled by migration 0010).
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("principal.id"))
