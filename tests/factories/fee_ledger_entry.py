from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import LedgerEntryKind
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.models.insurance_policy import InsurancePolicy


async def create_entry(
    session: AsyncSession,
    policy: InsurancePolicy,
    kind: LedgerEntryKind = LedgerEntryKind.ALLOCATION,
    amount: str = "10000.00",
    **overrides: Any,
) -> FeeLedgerEntry:
    """An entry of ``policy``'s unit ledger, dated inside the 2024 policy year."""
    values: dict[str, Any] = {
        "insurer_id": policy.insurer_id,
        "unit_id": policy.unit_id,
        "policy_id": policy.id,
        "kind": kind,
        "amount": Decimal(amount),
        "occurred_on": date(2024, 1, 15),
        "purpose": "按保费20%计提事故预防服务费",
    }
    values.update(overrides)
    entry = FeeLedgerEntry(**values)
    session.add(entry)
    await session.flush()
    return entry
