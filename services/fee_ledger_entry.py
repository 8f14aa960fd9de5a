"""The dedicated prevention-fee ledger (专门台账) per insured unit, R-7.3-ledger.

Append-only (R-7.4-archive): a wrong entry is never edited; an ``adjustment`` names the
allocation or expenditure it corrects and carries the (signed) difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.insurance_policy import check_policy_parties
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import not_allowed
from store.enums import LedgerEntryKind
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.repositories.base import RowScope
from store.repositories.fee_ledger_entry import EntryFacts, FeeLedgerRepository
from store.repositories.insurance_policy import InsurancePolicyRepository, PolicyParties
from store.repositories.service_record import RecordFacts, ServiceRecordRepository

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
    clean = validate_ledger_entry(check, data)
    check.raise_if_any()
    assert clean is not None
    check_entry_references(check, clean, await load_entry_references(session, [clean]))
    check.raise_if_any()
    return await FeeLedgerRepository(session).add(FeeLedgerEntry(**clean.columns()))


@dataclass(frozen=True, slots=True)
class CleanLedgerEntry:
    """An entry whose fields passed every check, ready to be written."""

    insurer_id: int
    unit_id: int
    policy_id: int
    kind: LedgerEntryKind
    amount: Decimal
    occurred_on: date
    purpose: str
    service_record_id: int | None
    counterparty: str | None
    corrects_id: int | None

    def columns(self) -> dict[str, object]:
        return {
            "insurer_id": self.insurer_id,
            "unit_id": self.unit_id,
            "policy_id": self.policy_id,
            "kind": self.kind,
            "amount": self.amount,
            "occurred_on": self.occurred_on,
            "purpose": self.purpose,
            "service_record_id": self.service_record_id,
            "counterparty": self.counterparty,
            "corrects_id": self.corrects_id,
        }


def validate_ledger_entry(check: Checker, data: LedgerEntryInput) -> CleanLedgerEntry | None:
    """Every field check of an entry, no database (shared with bulk upload); ``None`` when
    any failed."""
    before = len(check.errors)
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
    if len(check.errors) > before:
        return None
    assert insurer_id is not None and unit_id is not None and policy_id is not None
    assert kind is not None and amount is not None
    assert occurred_on is not None and purpose is not None
    return CleanLedgerEntry(
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


@dataclass(frozen=True, slots=True)
class EntryReferences:
    """What a batch of entries refers to; an id missing from a map is absent or unseen."""

    policies: Mapping[int, PolicyParties]
    targets: Mapping[int, EntryFacts]  # entries corrected by adjustments
    records: Mapping[int, RecordFacts]  # services paid by expenditures


async def load_entry_references(
    session: AsyncSession, entries: Sequence[CleanLedgerEntry], scope: RowScope | None = None
) -> EntryReferences:
    """One statement per referenced table for the whole batch (none for an empty id set),
    each through ``scope``: a row outside it reads as absent."""
    return EntryReferences(
        policies=await InsurancePolicyRepository(session, scope).parties(
            {e.policy_id for e in entries}
        ),
        targets=await FeeLedgerRepository(session, scope).facts(
            {e.corrects_id for e in entries if e.corrects_id is not None}
        ),
        records=await ServiceRecordRepository(session, scope).facts(
            {e.service_record_id for e in entries if e.service_record_id is not None}
        ),
    )


def check_entry_references(check: Checker, entry: CleanLedgerEntry, refs: EntryReferences) -> None:
    """The reference checks of one entry against the batch's facts."""
    policy = refs.policies.get(entry.policy_id)
    if check_policy_parties(check, "policyId", policy, entry.insurer_id, entry.unit_id):
        assert policy is not None
        # Fees come out of the premium (R-7.3-ledger): nothing is booked before cover starts.
        check.in_order(
            "policy.periodStart", policy.period_start, "occurredOn", entry.occurred_on, rule=RULE
        )
    if entry.corrects_id is not None:
        _check_correction_target(check, refs.targets.get(entry.corrects_id), entry.unit_id)
    if entry.service_record_id is not None:
        record = refs.records.get(entry.service_record_id)
        if record is None or record.unit_id != entry.unit_id:
            unknown_reference(check, "serviceRecordId", "服务记录", "service record")


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


def _check_correction_target(check: Checker, target: EntryFacts | None, unit_id: int) -> None:
    """The corrected entry is an allocation or expenditure of the same unit's ledger."""
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
