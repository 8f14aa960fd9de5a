"""Mutation recording a follow-up visit (回访) after a completed service, R-6.3-followup."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.mutations.ids import IdReader
from resolvers.mutations.outcome import Action, create_once, node_id, write_outcome
from schema.inputs.common import IdempotencyKeyArgument
from schema.inputs.follow_up import RecordFollowUpInput
from schema.payloads.follow_up import FollowUpResult, FollowUpSuccess
from services import follow_up as follow_ups


async def record_follow_up(
    info: Info, input: RecordFollowUpInput, idempotency_key: IdempotencyKeyArgument = None
) -> FollowUpResult:
    async def write(session: AsyncSession) -> FollowUpSuccess:
        ids = IdReader()
        data = follow_ups.FollowUpInput(
            service_record_id=ids.one("serviceRecordId", input.service_record_id, "ServiceRecord"),
            method=input.method,
            visited_at=input.visited_at,
            satisfaction=input.satisfaction,
            comments=input.comments,
            staff_id=ids.maybe("staffId", input.staff_id, "StaffMember"),
        )
        ids.raise_if_any()
        outcome = await create_once(
            info,
            session,
            operation="recordFollowUp",
            key=idempotency_key,
            payload=input,
            create=lambda: follow_ups.record_follow_up(session, data),
        )
        row = outcome.row
        return FollowUpSuccess(
            _pk=row.id,
            id=node_id("FollowUp", row.id),
            replayed=outcome.replayed,
            service_record_id=node_id("ServiceRecord", row.service_record_id),
        )

    return await write_outcome(info, write, "follow_up", Action.CREATE)


@strawberry.type
class FollowUpMutation:
    record_follow_up: FollowUpResult = strawberry.mutation(
        resolver=record_follow_up,
        description="记录回访及投保单位满意度 / record a follow-up visit with the unit's "
        "satisfaction and comments (R-6.3-followup)",
    )
