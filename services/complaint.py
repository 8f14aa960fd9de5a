"""Complaints (投诉) filed by insured units and the insurer's written answer, R-6.4-complaint.

The answer has three parts (the complainant's request, the facts found with their basis,
the measures taken); each missing part is its own error. Deadlines (5 / 10 working days, or
the ruleset's values, plus an approved extension) are measured by the compliance findings,
so a late answer is recorded, not refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.rulesets import rulesets
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import LONG_TEXT, required_text
from store.enums import ComplaintStatus
from store.models.complaint import Complaint
from store.repositories.complaint import ComplaintRepository
from store.repositories.service_record import ServiceRecordRepository

RULE = "R-6.4-complaint"
# An answer records an approved extension under whichever ruleset allows one (the published
# AQ 9010: at most 30 days); whether it was allowed on the day is the findings' question.
MAX_EXTENSION_DAYS = max(
    r.complaint.extension.max_days for r in rulesets() if r.complaint.extension is not None
)


@dataclass(frozen=True, slots=True)
class ComplaintInput:
    insurer_id: int
    unit_id: int
    filed_at: datetime
    request: str  # the complaint as filed
    service_record_id: int | None = None  # the service complained about, if any
    needs_verification: bool = False  # 需要进一步核实: the longer deadline applies


@dataclass(frozen=True, slots=True)
class ComplaintAnswer:
    complaint_id: int
    answered_at: datetime
    answer_request: str | None  # 投诉人的投诉请求
    answer_facts: str | None  # 对基本事实的认定及依据
    answer_measures: str | None  # 对投诉事项的处理措施
    # An approved extension of the deadline: all three of days, approver, reason, or none.
    extension_days: int | None = None
    extension_approver: str | None = None
    extension_reason: str | None = None
    extension_told_at: datetime | None = None  # when the unit was told of the extension


async def file_complaint(session: AsyncSession, data: ComplaintInput) -> Complaint:
    check = Checker()
    insurer_id = check.identifier("insurerId", data.insurer_id)
    unit_id = check.identifier("unitId", data.unit_id)
    record_id = check.identifier("serviceRecordId", data.service_record_id, required=False)
    filed_at = check.aware("filedAt", data.filed_at)
    request = check.text("request", data.request, max_len=LONG_TEXT, multiline=True)
    check.raise_if_any()
    assert insurer_id is not None and unit_id is not None
    assert filed_at is not None and request is not None

    await references.insurer(check, session, "insurerId", insurer_id)
    await references.insured_unit(check, session, "unitId", unit_id)
    if record_id is not None:
        record = await ServiceRecordRepository(session).get(record_id)
        # Another unit's record is "unknown": its existence must not leak to this unit.
        if record is None or record.unit_id != unit_id or record.insurer_id != insurer_id:
            unknown_reference(check, "serviceRecordId", "服务记录", "service record")
    check.raise_if_any()
    return await ComplaintRepository(session).add(
        Complaint(
            insurer_id=insurer_id,
            unit_id=unit_id,
            service_record_id=record_id,
            filed_at=filed_at,
            request=request,
            needs_verification=data.needs_verification,
            status=ComplaintStatus.OPEN,
        )
    )


async def answer_complaint(session: AsyncSession, data: ComplaintAnswer) -> Complaint:
    """OPEN → ANSWERED, once; an answer is part of the archive and is never rewritten."""
    check = Checker()
    complaint_id = check.identifier("complaintId", data.complaint_id)
    answered_at = check.aware("answeredAt", data.answered_at)
    parts = {
        "answer_request": ("answerRequest", data.answer_request, "投诉人的投诉请求", "request"),
        "answer_facts": ("answerFacts", data.answer_facts, "事实认定及依据", "facts and basis"),
        "answer_measures": ("answerMeasures", data.answer_measures, "处理措施", "measures"),
    }
    answer = {
        column: required_text(
            check, field, value, rule=RULE, code="ANSWER_PART_MISSING", what_zh=zh, what_en=en
        )
        for column, (field, value, zh, en) in parts.items()
    }
    extension = _check_extension(check, data)
    check.raise_if_any()
    assert complaint_id is not None and answered_at is not None

    repo = ComplaintRepository(session)
    complaint = await repo.get(complaint_id)
    if complaint is None:
        unknown_reference(check, "complaintId", "投诉", "complaint")
        check.raise_if_any()
    assert complaint is not None
    if complaint.status is not ComplaintStatus.OPEN:
        check.fail(
            "ALREADY_ANSWERED",
            "complaintId",
            "该投诉已答复，答复不能改写",
            "the complaint has already been answered; an answer is never rewritten",
            rule=RULE,
        )
    check.in_order("filedAt", complaint.filed_at, "answeredAt", answered_at, rule=RULE)
    check.in_order("filedAt", complaint.filed_at, "extensionToldAt", data.extension_told_at)
    check.raise_if_any()

    complaint.status = ComplaintStatus.ANSWERED
    complaint.answered_at = answered_at
    for column, value in (answer | extension).items():
        setattr(complaint, column, value)
    await session.flush()
    return complaint


def _check_extension(check: Checker, data: ComplaintAnswer) -> dict[str, object]:
    """An extension is days, approver and reason together (EXTENSION_INCOMPLETE otherwise)."""
    days = check.integer(
        "extensionDays",
        data.extension_days,
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        required=False,
    )
    approver = check.text("extensionApprover", data.extension_approver, max_len=64, required=False)
    reason = check.text(
        "extensionReason", data.extension_reason, max_len=LONG_TEXT, required=False, multiline=True
    )
    told_at = check.aware("extensionToldAt", data.extension_told_at, required=False)
    given = {
        "extensionDays": data.extension_days is not None,
        "extensionApprover": bool(data.extension_approver and data.extension_approver.strip()),
        "extensionReason": bool(data.extension_reason and data.extension_reason.strip()),
    }
    if any(given.values()) or data.extension_told_at is not None:
        for field, present in given.items():
            if not present:
                check.fail(
                    "EXTENSION_INCOMPLETE",
                    field,
                    "延期须同时填写延期天数、批准人和延期理由",
                    "an extension needs its days, approver and reason together",
                    rule=RULE,
                )
    return {
        "extension_days": days,
        "extension_approver": approver,
        "extension_reason": reason,
        "extension_told_at": told_at,
    }
