"""Input for a follow-up visit (回访) after a completed service, R-6.3-followup."""

from __future__ import annotations

import datetime

import strawberry

from schema.vocabulary import FollowUpMethod


@strawberry.input(description="记录回访 / record a follow-up visit (R-6.3-followup)")
class RecordFollowUpInput:
    service_record_id: strawberry.ID = strawberry.field(description="服务记录 / the service")
    method: FollowUpMethod = strawberry.field(description="回访方式 / phone, network or on site")
    visited_at: datetime.datetime = strawberry.field(description="回访时间 / when")
    satisfaction: int = strawberry.field(
        description="满意度（1非常不满意–5非常满意）/ satisfaction, 1 very poor to 5 very good"
    )
    comments: str | None = strawberry.field(
        default=None, description="投保单位的具体意见 / the unit's own words"
    )
    staff_id: strawberry.ID | None = strawberry.field(
        default=None, description="回访人员 / who called or visited"
    )
