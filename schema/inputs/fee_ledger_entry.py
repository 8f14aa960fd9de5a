"""Input for an entry of the dedicated prevention-fee ledger (专门台账), R-7.3-ledger."""

from __future__ import annotations

import datetime
import decimal

import strawberry

from schema.vocabulary import LedgerEntryKind


@strawberry.input(description="新增台账条目 / add a fee-ledger entry (R-7.3-ledger)")
class AddLedgerEntryInput:
    insurer_id: strawberry.ID = strawberry.field(description="保险机构 / the insurer")
    unit_id: strawberry.ID = strawberry.field(description="投保单位 / whose ledger")
    policy_id: strawberry.ID = strawberry.field(description="保险合同 / the policy")
    kind: LedgerEntryKind = strawberry.field(description="计提、支出或调整 / kind of entry")
    amount: decimal.Decimal = strawberry.field(
        description="金额（元；调整可为负）/ amount in yuan, signed for an adjustment"
    )
    occurred_on: datetime.date = strawberry.field(description="发生日期 / day")
    purpose: str = strawberry.field(description="用途 / what the money is for")
    service_record_id: strawberry.ID | None = strawberry.field(
        default=None, description="支出对应的服务 / the service an expenditure paid"
    )
    counterparty: str | None = strawberry.field(default=None, description="收款方 / who was paid")
    corrects_id: strawberry.ID | None = strawberry.field(
        default=None, description="所更正的条目（调整必填）/ the entry an adjustment corrects"
    )
