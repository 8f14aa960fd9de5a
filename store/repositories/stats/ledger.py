"""The prevention-fee ledger (R-7.3-ledger): income (allocations) and expenditure. Event
time: the entry's day. An adjustment counts towards the kind of the entry it corrects
(corrections are one level deep, see services/fee_ledger_entry.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, case, func, select
from sqlalchemy.orm import aliased

from store.enums import LedgerEntryKind
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.repositories.stats.context import Build
from store.repositories.stats.sql import fen, no_category, number


def ledger(build: Build) -> Select[Any]:
    e, scope = FeeLedgerEntry, build.scope
    corrected = aliased(FeeLedgerEntry)
    # Looked up for adjustments only (CASE evaluates it for them alone): as an outer join
    # PostgreSQL hashed every visible entry of the jurisdiction to serve a few adjustments.
    corrected_kind = (
        select(corrected.kind)
        .where(corrected.id == e.corrects_id, scope.where(corrected))
        .scalar_subquery()
    )
    counts_as = case((e.kind == LedgerEntryKind.ADJUSTMENT, corrected_kind), else_=e.kind)
    columns: list[SQLColumnExpression[Any]] = [
        e.unit_id,
        e.insurer_id,
        no_category().label("category"),
        counts_as.label("counts_as"),
        fen(e.amount).label("fen"),
    ]
    columns += build.periods(e.occurred_on)
    rows = (
        select(*columns, *build.unit_keys())
        .select_from(build.source(e, e.unit_id))
        .where(
            *build.where(e, e.unit_id),
            *build.during_days(e.occurred_on),
            *build.insurer_in(e.insurer_id),
        )
        .subquery("ledger_rows")
    )

    def total(kind: LedgerEntryKind) -> ColumnElement[Any]:
        return func.sum(case((rows.c.counts_as == kind, rows.c.fen), else_=number(0)))

    return build.grouped(
        rows,
        {
            "fee_income_fen": total(LedgerEntryKind.ALLOCATION),
            "fee_expenditure_fen": total(LedgerEntryKind.EXPENDITURE),
        },
    )
