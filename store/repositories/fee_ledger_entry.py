"""Queries on the dedicated prevention-fee ledger (专门台账), R-7.3-ledger."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, case, func, literal, type_coerce
from sqlalchemy.orm import aliased

from store.base import Money
from store.enums import LedgerEntryKind
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.repositories.base import Repository
from store.repositories.bulk import Row, insert_returning_ids


@dataclass(frozen=True, slots=True)
class LedgerBalance:
    """What a unit's fees under one policy came to, in yuan."""

    allocated: Decimal  # set aside from premium, corrections included
    spent: Decimal  # paid out for services, corrections included
    remaining: Decimal  # allocated - spent


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What an adjustment naming an entry is checked with (R-7.3-ledger)."""

    unit_id: int
    kind: LedgerEntryKind


class FeeLedgerRepository(Repository[FeeLedgerEntry]):
    model = FeeLedgerEntry

    async def for_unit(self, unit_id: int) -> Sequence[FeeLedgerEntry]:
        """A unit's ledger as it is shown to the unit: by date, then in entry order."""
        stmt = (
            self.select()
            .where(FeeLedgerEntry.unit_id == unit_id)
            .order_by(FeeLedgerEntry.occurred_on, FeeLedgerEntry.id)
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def balance(self, unit_id: int, policy_id: int) -> LedgerBalance:
        """Allocated, spent and remaining, summed by the database (never in Python).

        An adjustment counts towards the kind of the entry it corrects (the service only
        lets an adjustment correct an allocation or an expenditure), so correcting a
        wrongly booked expenditure changes ``spent``, not ``allocated``.
        """
        target = aliased(FeeLedgerEntry)
        # The kind whose total an entry changes: its own, or its target's for an adjustment.
        effective_kind = case(
            (FeeLedgerEntry.kind == LedgerEntryKind.ADJUSTMENT, target.kind),
            else_=FeeLedgerEntry.kind,
        )
        zero = type_coerce(literal(0), Money)

        def total(kind: LedgerEntryKind) -> ColumnElement[Decimal]:
            amount = case((effective_kind == kind, FeeLedgerEntry.amount), else_=zero)
            return type_coerce(func.coalesce(func.sum(amount), zero), Money)

        allocated = total(LedgerEntryKind.ALLOCATION)
        spent = total(LedgerEntryKind.EXPENDITURE)
        stmt = (
            self.select()
            .outerjoin(target, FeeLedgerEntry.corrects_id == target.id)
            .where(FeeLedgerEntry.unit_id == unit_id, FeeLedgerEntry.policy_id == policy_id)
            .with_only_columns(
                allocated.label("allocated"),
                spent.label("spent"),
                type_coerce(allocated - spent, Money).label("remaining"),
                maintain_column_froms=True,
            )
        )
        row = (await self.session.execute(stmt)).one()
        return LedgerBalance(allocated=row.allocated, spent=row.spent, remaining=row.remaining)

    async def facts(self, entry_ids: Collection[int]) -> dict[int, EntryFacts]:
        """Unit and kind of each visible entry, in one statement."""
        if not entry_ids:
            return {}
        stmt = (
            self.select()
            .where(FeeLedgerEntry.id.in_(set(entry_ids)))
            .with_only_columns(FeeLedgerEntry.id, FeeLedgerEntry.unit_id, FeeLedgerEntry.kind)
        )
        return {key: EntryFacts(unit, kind) for key, unit, kind in await self.session.execute(stmt)}

    async def insert_many(self, rows: Sequence[Row]) -> list[int]:
        """Bulk-insert entries; returns the new ids in the order of ``rows``."""
        return await insert_returning_ids(self.session, FeeLedgerEntry, rows)
