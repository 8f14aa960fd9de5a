"""Entries of the dedicated prevention-fee ledger (专门台账) per insured unit, R-7.3-ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, CreatedAtMixin, IdType, str_enum
from store.enums import LedgerEntryKind


class FeeLedgerEntry(CreatedAtMixin, Base):
    """Append-only (R-7.4-archive): a correction is an ``adjustment`` that names the entry
    it corrects, never an update of the old amount."""

    __tablename__ = "fee_ledger_entry"
    __table_args__ = (Index("ix_fee_ledger_entry_unit_date", "unit_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurer.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("insured_unit.id"))
    policy_id: Mapped[int] = mapped_column(ForeignKey("insurance_policy.id"), index=True)
    kind: Mapped[LedgerEntryKind] = mapped_column(str_enum(LedgerEntryKind, "ledger_entry_kind"))
    amount: Mapped[Decimal]  # yuan; positive except for adjustments
    occurred_on: Mapped[date]
    purpose: Mapped[str] = mapped_column(String(256))
    service_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_record.id"), index=True
    )
    counterparty: Mapped[str | None] = mapped_column(String(128))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("fee_ledger_entry.id"))
