"""Mutation adding an entry to the dedicated prevention-fee ledger (专门台账), R-7.3-ledger."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.mutations.ids import IdReader
from resolvers.mutations.outcome import Action, create_once, node_id, write_outcome
from schema.inputs.common import IdempotencyKeyArgument
from schema.inputs.fee_ledger_entry import AddLedgerEntryInput
from schema.payloads.fee_ledger_entry import FeeLedgerEntryResult, FeeLedgerEntrySuccess
from services import fee_ledger_entry as ledger


async def add_ledger_entry(
    info: Info, input: AddLedgerEntryInput, idempotency_key: IdempotencyKeyArgument = None
) -> FeeLedgerEntryResult:
    async def write(session: AsyncSession) -> FeeLedgerEntrySuccess:
        ids = IdReader()
        data = ledger.LedgerEntryInput(
            insurer_id=ids.one("insurerId", input.insurer_id, "Insurer"),
            unit_id=ids.one("unitId", input.unit_id, "InsuredUnit"),
            policy_id=ids.one("policyId", input.policy_id, "InsurancePolicy"),
            kind=input.kind,
            amount=input.amount,
            occurred_on=input.occurred_on,
            purpose=input.purpose,
            service_record_id=ids.maybe(
                "serviceRecordId", input.service_record_id, "ServiceRecord"
            ),
            counterparty=input.counterparty,
            corrects_id=ids.maybe("correctsId", input.corrects_id, "FeeLedgerEntry"),
        )
        ids.raise_if_any()
        outcome = await create_once(
            info,
            session,
            operation="addLedgerEntry",
            key=idempotency_key,
            payload=input,
            create=lambda: ledger.add_ledger_entry(session, data),
        )
        row = outcome.row
        return FeeLedgerEntrySuccess(
            _pk=row.id,
            id=node_id("FeeLedgerEntry", row.id),
            replayed=outcome.replayed,
            kind=row.kind,
            amount=row.amount,
        )

    return await write_outcome(info, write, "fee_ledger_entry", Action.CREATE)


@strawberry.type
class FeeLedgerEntryMutation:
    add_ledger_entry: FeeLedgerEntryResult = strawberry.mutation(
        resolver=add_ledger_entry,
        description="新增专门台账条目（计提、支出或调整；只增不改）/ add an allocation, "
        "expenditure or adjustment to a unit's fee ledger, append-only (R-7.3-ledger)",
    )
