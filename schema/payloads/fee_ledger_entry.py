"""The result of writing a fee-ledger entry (台账条目)."""

from __future__ import annotations

import decimal
from typing import Annotated

import strawberry

from schema.errors import Conflict, Forbidden, InputErrors, NotFound
from schema.payloads.base import WriteSuccess
from schema.vocabulary import LedgerEntryKind


@strawberry.type(description="台账条目已写入 / the fee-ledger entry was written (or replayed)")
class FeeLedgerEntrySuccess(WriteSuccess):
    kind: LedgerEntryKind = strawberry.field(description="条目类别 / kind of entry")
    amount: decimal.Decimal = strawberry.field(description="金额（元）/ amount in yuan")


FeeLedgerEntryResult = Annotated[
    FeeLedgerEntrySuccess | InputErrors | NotFound | Conflict | Forbidden,
    strawberry.union(
        "FeeLedgerEntryResult",
        description="写入台账条目的结果 / outcome of writing a fee-ledger entry",
    ),
]
