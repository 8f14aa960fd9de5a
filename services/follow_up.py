"""Follow-up visits (回访) after a completed service, R-6.3-followup.

Only the order of events is refused here. The deadline (5 working days after completion)
is measured by the compliance findings with the ruleset's calendar: a late follow-up is
still recorded, because the late visit is exactly what a regulator must be able to see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.references import report_missing_staff_member
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import LONG_TEXT, record_not_completed
from store.enums import FollowUpMethod
from store.models.follow_up import FollowUp
from store.repositories.base import RowScope
from store.repositories.follow_up import FollowUpRepository
from store.repositories.service_record import RecordFacts, ServiceRecordRepository
from store.repositories.staff_member import StaffMemberRepository

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
    clean = validate_follow_up(check, data)
    check.raise_if_any()
    assert clean is not None
    check_follow_up_references(check, clean, await load_follow_up_references(session, [clean]))
    check.raise_if_any()
    return await FollowUpRepository(session).add(FollowUp(**clean.columns()))


@dataclass(frozen=True, slots=True)
class CleanFollowUp:
    """A follow-up whose fields passed every check, ready to be written."""

    service_record_id: int
    method: FollowUpMethod
    visited_at: datetime
    satisfaction: int
    comments: str | None
    staff_id: int | None

    def columns(self) -> dict[str, object]:
        return {
            "service_record_id": self.service_record_id,
            "method": self.method,
            "visited_at": self.visited_at,
            "satisfaction": self.satisfaction,
            "comments": self.comments,
            "staff_id": self.staff_id,
        }


def validate_follow_up(check: Checker, data: FollowUpInput) -> CleanFollowUp | None:
    """Every field check of a follow-up, no database (shared with bulk upload); ``None``
    when any failed."""
    before = len(check.errors)
    record_id = check.identifier("serviceRecordId", data.service_record_id)
    method = check.enum("method", data.method, FollowUpMethod)
    visited_at = check.aware("visitedAt", data.visited_at)
    satisfaction = check.integer("satisfaction", data.satisfaction, min_value=1, max_value=5)
    comments = check.text(
        "comments", data.comments, max_len=LONG_TEXT, required=False, multiline=True
    )
    staff_id = check.identifier("staffId", data.staff_id, required=False)
    if len(check.errors) > before:
        return None
    assert record_id is not None and method is not None and visited_at is not None
    assert satisfaction is not None
    return CleanFollowUp(record_id, method, visited_at, satisfaction, comments, staff_id)


@dataclass(frozen=True, slots=True)
class FollowUpReferences:
    """What a batch of follow-ups refers to; an id missing from a map is absent or unseen."""

    records: Mapping[int, RecordFacts]
    missing_staff: AbstractSet[int]


async def load_follow_up_references(
    session: AsyncSession, follow_ups: Sequence[CleanFollowUp], scope: RowScope | None = None
) -> FollowUpReferences:
    """One statement per referenced table for the whole batch (none for an empty id set),
    each through ``scope``: a row outside it reads as absent."""
    return FollowUpReferences(
        records=await ServiceRecordRepository(session, scope).facts(
            {f.service_record_id for f in follow_ups}
        ),
        missing_staff=await StaffMemberRepository(session, scope).missing(
            {f.staff_id for f in follow_ups if f.staff_id is not None}
        ),
    )


def check_follow_up_references(
    check: Checker, follow_up: CleanFollowUp, refs: FollowUpReferences
) -> None:
    """The reference checks of one follow-up against the batch's facts."""
    record = refs.records.get(follow_up.service_record_id)
    if record is None:
        unknown_reference(check, "serviceRecordId", "服务记录", "service record")
    elif record.completed_at is None:
        record_not_completed(check, "serviceRecordId", rule=RULE)
    elif follow_up.visited_at < record.completed_at:
        check.fail(
            "FOLLOW_UP_BEFORE_SERVICE_END",
            "visitedAt",
            "回访时间不能早于服务完成时间",
            "a follow-up cannot take place before the service was completed",
            rule=RULE,
        )
    report_missing_staff_member(check, "staffId", follow_up.staff_id, refs.missing_staff)
