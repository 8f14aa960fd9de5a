"""Mutations on improvement measures (改进措施) and their progress, R-8.3-improvement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.mutations.ids import IdReader
from resolvers.mutations.outcome import Action, create_once, node_id, write_outcome
from schema.inputs.common import IdempotencyKeyArgument
from schema.inputs.improvement_measure import (
    CreateImprovementMeasureInput,
    RecordImprovementProgressInput,
)
from schema.payloads.improvement_measure import ImprovementMeasureResult, ImprovementMeasureSuccess
from services import improvement_measure as measures

if TYPE_CHECKING:  # the row type the service returns; no runtime dependency on the store
    from store.models.improvement_measure import ImprovementMeasure


def _success(row: ImprovementMeasure, *, replayed: bool) -> ImprovementMeasureSuccess:
    return ImprovementMeasureSuccess(
        _pk=row.id,
        id=node_id("ImprovementMeasure", row.id),
        replayed=replayed,
        status=row.status,
    )


async def create_improvement_measure(
    info: Info, input: CreateImprovementMeasureInput, idempotency_key: IdempotencyKeyArgument = None
) -> ImprovementMeasureResult:
    async def write(session: AsyncSession) -> ImprovementMeasureSuccess:
        ids = IdReader()
        data = measures.ImprovementInput(
            insurer_id=ids.one("insurerId", input.insurer_id, "Insurer"),
            source=input.source,
            problem=input.problem,
            measure=input.measure,
            evaluation_id=ids.maybe("evaluationId", input.evaluation_id, "AnnualEvaluation"),
            complaint_id=ids.maybe("complaintId", input.complaint_id, "Complaint"),
            follow_up_id=ids.maybe("followUpId", input.follow_up_id, "FollowUp"),
            due_on=input.due_on,
        )
        ids.raise_if_any()
        outcome = await create_once(
            info,
            session,
            operation="createImprovementMeasure",
            key=idempotency_key,
            payload=input,
            create=lambda: measures.create_improvement(session, data),
        )
        return _success(outcome.row, replayed=outcome.replayed)

    return await write_outcome(info, write, "improvement_measure", Action.CREATE)


async def record_improvement_progress(
    info: Info, input: RecordImprovementProgressInput
) -> ImprovementMeasureResult:
    # A transition: repeating a step is refused (INVALID_TRANSITION), so no idempotency key.
    async def write(session: AsyncSession) -> ImprovementMeasureSuccess:
        ids = IdReader()
        data = measures.ImprovementProgress(
            measure_id=ids.one("measureId", input.measure_id, "ImprovementMeasure"),
            status=input.status,
            progress_note=input.progress_note,
            completed_at=input.completed_at,
        )
        ids.raise_if_any()
        return _success(await measures.record_progress(session, data), replayed=False)

    return await write_outcome(info, write, "improvement_measure", Action.RECORD)


@strawberry.type
class ImprovementMeasureMutation:
    create_improvement_measure: ImprovementMeasureResult = strawberry.mutation(
        resolver=create_improvement_measure,
        description="为评估、回访、投诉或检查发现的问题制定改进措施 / plan a measure for a "
        "problem found by an evaluation, follow-up, complaint or inspection (R-8.3-improvement)",
    )
    record_improvement_progress: ImprovementMeasureResult = strawberry.mutation(
        resolver=record_improvement_progress,
        description="记录改进进度（计划→落实中→完成）/ move a measure one step on: planned → "
        "in progress → done (R-8.3-improvement)",
    )
