"""An insured unit confirms or disputes a completed service record (R-6.3-archive).

Decisions are append-only: a change of mind is a new row, and the record's status follows
the latest decision. A unit deciding on a record that is not its own is told the record is
unknown, exactly as if it did not exist (a unit must not learn of other units' records).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import LONG_TEXT, record_not_completed
from store.enums import ConfirmationDecision, ServiceStatus
from store.models.unit_confirmation import UnitConfirmation
from store.repositories.service_record import ServiceRecordRepository
from store.repositories.unit_confirmation import UnitConfirmationRepository

RULE = "R-6.3-archive"

_STATUS = {
    ConfirmationDecision.CONFIRMED: ServiceStatus.CONFIRMED,
    ConfirmationDecision.DISPUTED: ServiceStatus.DISPUTED,
}


@dataclass(frozen=True, slots=True)
class ConfirmationInput:
    service_record_id: int
    unit_id: int  # the deciding unit (from its principal, not from the client)
    decision: ConfirmationDecision | str
    decided_at: datetime
    reason: str | None = None  # required for a dispute


async def decide_on_record(session: AsyncSession, data: ConfirmationInput) -> UnitConfirmation:
    check = Checker()
    record_id = check.identifier("serviceRecordId", data.service_record_id)
    unit_id = check.identifier("unitId", data.unit_id)
    decision = check.enum("decision", data.decision, ConfirmationDecision)
    decided_at = check.aware("decidedAt", data.decided_at)
    reason = check.text("reason", data.reason, max_len=LONG_TEXT, required=False, multiline=True)
    if decision is ConfirmationDecision.DISPUTED and (
        data.reason is None or not data.reason.strip()
    ):
        check.fail(
            "REASON_REQUIRED",
            "reason",
            "提出异议时必须说明理由",
            "a dispute must give its reason",
            rule=RULE,
        )
    check.raise_if_any()
    assert record_id is not None and unit_id is not None
    assert decision is not None and decided_at is not None

    records = ServiceRecordRepository(session)
    record = await records.get(record_id)
    if record is None or record.unit_id != unit_id:
        unknown_reference(check, "serviceRecordId", "服务记录", "service record")
        check.raise_if_any()
    assert record is not None
    if record.completed_at is None:
        record_not_completed(check, "serviceRecordId", rule=RULE)
    check.in_order("completedAt", record.completed_at, "decidedAt", decided_at, rule=RULE)
    repo = UnitConfirmationRepository(session)
    previous = await repo.latest(record_id)
    if previous is not None:
        # The latest decision counts, so decisions must be taken in time order.
        check.in_order("previous.decidedAt", previous.decided_at, "decidedAt", decided_at)
    check.raise_if_any()

    record.status = _STATUS[decision]
    return await repo.add(
        UnitConfirmation(
            service_record_id=record_id,
            unit_id=unit_id,
            decision=decision,
            reason=reason,
            decided_at=decided_at,
        )
    )
