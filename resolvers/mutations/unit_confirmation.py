"""Mutation for an insured unit's decision on a service record (R-6.3-archive)."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.mutations.ids import IdReader
from resolvers.mutations.outcome import Action, create_once, node_id, write_outcome
from schema.inputs.common import IdempotencyKeyArgument
from schema.inputs.unit_confirmation import DecideOnServiceRecordInput
from schema.payloads.unit_confirmation import UnitConfirmationResult, UnitConfirmationSuccess
from services import unit_confirmation as confirmations


async def decide_on_service_record(
    info: Info, input: DecideOnServiceRecordInput, idempotency_key: IdempotencyKeyArgument = None
) -> UnitConfirmationResult:
    async def write(session: AsyncSession) -> UnitConfirmationSuccess:
        ids = IdReader()
        data = confirmations.ConfirmationInput(
            service_record_id=ids.one("serviceRecordId", input.service_record_id, "ServiceRecord"),
            # Issue 4 takes the unit from the principal; until then the input names it.
            unit_id=ids.one("unitId", input.unit_id, "InsuredUnit"),
            decision=input.decision,
            decided_at=input.decided_at,
            reason=input.reason,
        )
        ids.raise_if_any()
        outcome = await create_once(
            info,
            session,
            operation="decideOnServiceRecord",
            key=idempotency_key,
            payload=input,
            create=lambda: confirmations.decide_on_record(session, data),
        )
        row = outcome.row
        return UnitConfirmationSuccess(
            _pk=row.id,
            id=node_id("UnitConfirmation", row.id),
            replayed=outcome.replayed,
            decision=row.decision,
        )

    return await write_outcome(info, write, "unit_confirmation", Action.CONFIRM)


@strawberry.type
class UnitConfirmationMutation:
    decide_on_service_record: UnitConfirmationResult = strawberry.mutation(
        resolver=decide_on_service_record,
        description="投保单位确认服务记录或提出异议 / the insured unit confirms or disputes a "
        "completed service record before it is archived (R-6.3-archive)",
    )
