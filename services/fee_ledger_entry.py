"""The dedicated prevention-fee ledger (专门台账) per insured unit, R-7.3-ledger.

Append-only (R-7.4-archive): a wrong entry is never edited; an ``adjustment`` names the
allocation or expenditure it corrects and carries the (signed) difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.insurance_policy import policy_of
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import not_allowed
from store.enums import LedgerEntryKind
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.repositories.fee_ledger_entry import FeeLedgerRepository
from store.repositories.service_record import ServiceRecordRepository

RULE = "R-7.3-ledger"


@dataclass(frozen=True, slots=True)
class LedgerEntryInput:
    insurer_id: int
    unit_id: int
    policy_id: int
    kind: LedgerEntryKind | str
    amount: Decimal | str | int  # yuan; positive, or signed for an adjustment; never float
    occurred_on: date
    purpose: str
    service_record_id: int | None = None  # an expenditure may name the service it paid
    counterparty: str | None = None  # who was paid (an agency, an expert)
    corrects_id: int | None = None  # required for an adjustment


async def add_ledger_entry(session: AsyncSession, data: LedgerEntryInput) -> FeeLedgerEntry:
    check = Checker()
    insurer_id = check.identifier("insurerId", data.insurer_id)
    unit_id = check.identifier("unitId", data.unit_id)
    policy_id = check.identifier("policyId", data.policy_id)
    kind = check.enum("kind", data.kind, LedgerEntryKind)
    amount = _check_amount(check, kind, data.amount)
    occurred_on = check.day("occurredOn", data.occurred_on)
    purpose = check.text("purpose", data.purpose, max_len=256)
    counterparty = check.text("counterparty", data.counterparty, max_len=128, required=False)
    record_id = check.identifier("serviceRecordId", data.service_record_id, required=False)
    corrects_id = check.identifier("correctsId", data.corrects_id, required=False)
    if kind is LedgerEntryKind.ADJUSTMENT and data.corrects_id is None:
        check.fail(
            "CORRECTION_TARGET_REQUIRED",
            "correctsId",
            "调整条目必须指明所更正的台账条目",
            "an adjustment must name the entry it corrects",
            rule=RULE,
        )
    if kind is not None and kind is not LedgerEntryKind.ADJUSTMENT and data.corrects_id is not None:
        not_allowed(check, "correctsId", "只有调整条目更正其他条目", "only adjustments correct")
    if kind is not None and kind is not LedgerEntryKind.EXPENDITURE and record_id is not None:
        not_allowed(check, "serviceRecordId", "只有支出条目对应服务", "only expenditures pay")
    check.raise_if_any()
    assert insurer_id is not None and unit_id is not None and policy_id is not None
    assert kind is not None and amount is not None
    assert occurred_on is not None and purpose is not None

    policy = await policy_of(
        check, session, "policyId", policy_id, insurer_id=insurer_id, unit_id=unit_id
    )
    if policy is not None:
        # Fees come out of the premium (R-7.3-ledger): nothing is booked before cover starts.
        check.in_order(
            "policy.periodStart", policy.period_start, "occurredOn", occurred_on, rule=RULE
        )
    repo = FeeLedgerRepository(session)
    await _check_correction_target(check, repo, corrects_id, unit_id)
    if record_id is not None:
        record = await ServiceRecordRepository(session).get(record_id)
        if record is None or record.unit_id != unit_id:
            unknown_reference(check, "serviceRecordId", "服务记录", "service record")
    check.raise_if_any()
    return await repo.add(
        FeeLedgerEntry(
            insurer_id=insurer_id,
            unit_id=unit_id,
            policy_id=policy_id,
            kind=kind,
            amount=amount,
            occurred_on=occurred_on,
            purpose=purpose,
            service_record_id=record_id,
            counterparty=counterparty,
            corrects_id=corrects_id,
        )
    )


def _check_amount(
    check: Checker, kind: LedgerEntryKind | None, value: Decimal | str | int
) -> Decimal | None:
    """Allocations and expenditures are positive; an adjustment is signed but never zero."""
    if kind is LedgerEntryKind.ADJUSTMENT or kind is None:
        amount = check.money("amount", value, allow_negative=True)
        if kind is not None and amount == 0:
            check.fail(
                "MONEY_ZERO",
                "amount",
                "调整金额不能为零",
                "an adjustment must not be zero",
                rule=RULE,
            )
            return None
        return amount
    return check.money("amount", value, allow_zero=False)


async def _check_correction_target(
    check: Checker, repo: FeeLedgerRepository, corrects_id: int | None, unit_id: int
) -> None:
    """The corrected entry is an allocation or expenditure of the same unit's ledger."""
    if corrects_id is None:
        return
    target = await repo.get(corrects_id)
    if target is None:
        unknown_reference(check, "correctsId", "台账条目", "ledger entry")
    elif target.unit_id != unit_id:
        check.fail(
            "CORRECTION_TARGET_MISMATCH",
            "correctsId",
            "只能更正同一投保单位台账中的条目",
            "an adjustment corrects an entry of the same unit's ledger",
            rule=RULE,
        )
    elif target.kind is LedgerEntryKind.ADJUSTMENT:
        # Corrections stay one level deep so balances need no recursion: correct the
        # original entry again instead.
        check.fail(
            "CORRECTION_TARGET_KIND",
            "correctsId",
            "调整条目只能更正计提或支出条目",
            "an adjustment corrects an allocation or an expenditure, not another adjustment",
            rule=RULE,
        )
