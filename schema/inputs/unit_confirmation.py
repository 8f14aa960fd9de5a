"""Input for an insured unit's decision on a service record, R-6.3-archive."""

from __future__ import annotations

import datetime

import strawberry

from schema.vocabulary import ConfirmationDecision


@strawberry.input(
    description="投保单位确认或提出异议 / the unit confirms or disputes a record (R-6.3-archive)"
)
class DecideOnServiceRecordInput:
    service_record_id: strawberry.ID = strawberry.field(description="服务记录 / the record")
    # Until authorization (issue 4) derives it from the principal, the client names the unit.
    unit_id: strawberry.ID = strawberry.field(description="作出决定的投保单位 / the deciding unit")
    decision: ConfirmationDecision = strawberry.field(description="确认或异议 / the decision")
    decided_at: datetime.datetime = strawberry.field(description="决定时间 / when decided")
    reason: str | None = strawberry.field(
        default=None, description="异议理由（异议时必填）/ reason, required for a dispute"
    )
