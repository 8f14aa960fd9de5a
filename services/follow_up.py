"""Follow-up visits (回访) after a completed service, R-6.3-followup.

Only the order of events is refused here. The deadline (5 working days after completion)
is measured by the compliance findings with the ruleset's calendar: a late follow-up is
still recorded, because the late visit is exactly what a regulator must be able to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import LONG_TEXT, record_not_completed
from store.enums import FollowUpMethod
from store.models.follow_up import FollowUp
from store.repositories.follow_up import FollowUpRepository
from store.repositories.service_record import ServiceRecordRepository

RULE = "R-6.3-followup"


@dataclass(frozen=True, slots=True)
class FollowUpInput:
    service_record_id: int
    method: FollowUpMethod | str  # 电话、网络或现场
    visited_at: datetime
    satisfaction: int  # 1 very dissatisfied … 5 very satisfied
    comments: str | None = None  # the unit's own words (具体意见)
    staff_id: int | None = None  # who called or visited


async def record_follow_up(session: AsyncSession, data: FollowUpInput) -> FollowUp:
    check = Checker()
    record_id = check.identifier("serviceRecordId", data.service_record_id)
    method = check.enum("method", data.method, FollowUpMethod)
    visited_at = check.aware("visitedAt", data.visited_at)
    satisfaction = check.integer("satisfaction", data.satisfaction, min_value=1, max_value=5)
    comments = check.text(
        "comments", data.comments, max_len=LONG_TEXT, required=False, multiline=True
    )
    staff_id = check.identifier("staffId", data.staff_id, required=False)
    check.raise_if_any()
    assert record_id is not None and method is not None and visited_at is not None
    assert satisfaction is not None

    record = await ServiceRecordRepository(session).get(record_id)
    if record is None:
        unknown_reference(check, "serviceRecordId", "服务记录", "service record")
    elif record.completed_at is None:
        record_not_completed(check, "serviceRecordId", rule=RULE)
    elif visited_at < record.completed_at:
        check.fail(
            "FOLLOW_UP_BEFORE_SERVICE_END",
            "visitedAt",
            "回访时间不能早于服务完成时间",
            "a follow-up cannot take place before the service was completed",
            rule=RULE,
        )
    await references.staff_member(check, session, "staffId", staff_id)
    check.raise_if_any()
    return await FollowUpRepository(session).add(
        FollowUp(
            service_record_id=record_id,
            method=method,
            visited_at=visited_at,
            satisfaction=satisfaction,
            comments=comments,
            staff_id=staff_id,
        )
    )
