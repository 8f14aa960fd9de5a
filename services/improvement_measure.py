"""Improvement measures (改进措施) for problems found by evaluations, follow-ups, complaints
and inspections, with tracked progress (R-8.3-improvement).

A measure names the finding it answers; an inspection by a regulator has no row of its own
here, so it names none. Progress goes planned → in_progress → done; done is final.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import LONG_TEXT, invalid_transition, not_allowed
from store.enums import ImprovementSource, ImprovementStatus
from store.models.improvement_measure import ImprovementMeasure
from store.repositories.annual_evaluation import AnnualEvaluationRepository
from store.repositories.complaint import ComplaintRepository
from store.repositories.follow_up import FollowUpRepository
from store.repositories.improvement_measure import ImprovementMeasureRepository
from store.repositories.service_record import ServiceRecordRepository

RULE = "R-8.3-improvement"

# The source reference each source requires, as (column, field); an inspection needs none.
SOURCE_REFERENCE = {
    ImprovementSource.EVALUATION: ("evaluation_id", "evaluationId"),
    ImprovementSource.COMPLAINT: ("complaint_id", "complaintId"),
    ImprovementSource.FOLLOW_UP: ("follow_up_id", "followUpId"),
}

# The one allowed next status of each status.
NEXT_STATUS = {
    ImprovementStatus.PLANNED: ImprovementStatus.IN_PROGRESS,
    ImprovementStatus.IN_PROGRESS: ImprovementStatus.DONE,
}


@dataclass(frozen=True, slots=True)
class ImprovementInput:
    insurer_id: int
    source: ImprovementSource | str
    problem: str
    measure: str
    evaluation_id: int | None = None
    complaint_id: int | None = None
    follow_up_id: int | None = None
    due_on: date | None = None


@dataclass(frozen=True, slots=True)
class ImprovementProgress:
    measure_id: int
    status: ImprovementStatus | str  # the next status
    progress_note: str | None = None
    completed_at: datetime | None = None  # required when the status becomes done


async def create_improvement(session: AsyncSession, data: ImprovementInput) -> ImprovementMeasure:
    check = Checker()
    insurer_id = check.identifier("insurerId", data.insurer_id)
    source = check.enum("source", data.source, ImprovementSource)
    problem = check.text("problem", data.problem, max_len=LONG_TEXT, multiline=True)
    measure = check.text("measure", data.measure, max_len=LONG_TEXT, multiline=True)
    due_on = check.day("dueOn", data.due_on, required=False)
    source_ids = {
        column: check.identifier(field, getattr(data, column), required=False)
        for column, field in SOURCE_REFERENCE.values()
    }
    if source is not None:
        required = SOURCE_REFERENCE.get(source)
        for column, field in SOURCE_REFERENCE.values():
            given = getattr(data, column) is not None
            if (column, field) == required and not given:
                check.fail(
                    "SOURCE_REFERENCE_REQUIRED",
                    field,
                    f"来源为“{source.label_zh}”的改进措施必须指明该来源记录",
                    f"a measure from a {source.value.replace('_', '-')} must name it",
                    rule=RULE,
                )
            elif (column, field) != required and given:
                not_allowed(
                    check, field, f"来源为“{source.label_zh}”", f"the source is {source.value}"
                )
    check.raise_if_any()
    assert insurer_id is not None and source is not None
    assert problem is not None and measure is not None

    await references.insurer(check, session, "insurerId", insurer_id)
    await _check_source(check, session, insurer_id, source_ids)
    check.raise_if_any()
    return await ImprovementMeasureRepository(session).add(
        ImprovementMeasure(
            insurer_id=insurer_id,
            source=source,
            problem=problem,
            measure=measure,
            due_on=due_on,
            status=ImprovementStatus.PLANNED,
            **source_ids,
        )
    )


async def record_progress(session: AsyncSession, data: ImprovementProgress) -> ImprovementMeasure:
    """One step forward: planned → in_progress → done (done sets ``completed_at``)."""
    check = Checker()
    measure_id = check.identifier("measureId", data.measure_id)
    wanted = check.enum("status", data.status, ImprovementStatus)
    note = check.text(
        "progressNote", data.progress_note, max_len=LONG_TEXT, required=False, multiline=True
    )
    completed_at = check.aware(
        "completedAt", data.completed_at, required=wanted is ImprovementStatus.DONE
    )
    if (
        wanted is not None
        and wanted is not ImprovementStatus.DONE
        and data.completed_at is not None
    ):
        not_allowed(check, "completedAt", "措施尚未完成", "the measure is not done")
    check.raise_if_any()
    assert measure_id is not None and wanted is not None

    repo = ImprovementMeasureRepository(session)
    row = await repo.get(measure_id)
    if row is None:
        unknown_reference(check, "measureId", "改进措施", "improvement measure")
        check.raise_if_any()
    assert row is not None
    if NEXT_STATUS.get(row.status) is not wanted:
        invalid_transition(check, "status", row.status.value, wanted.value, rule=RULE)
    check.raise_if_any()
    row.status = wanted
    if note is not None:
        row.progress_note = note
    if wanted is ImprovementStatus.DONE:
        row.completed_at = completed_at
    await session.flush()
    return row


async def _check_source(
    check: Checker, session: AsyncSession, insurer_id: int, source_ids: dict[str, int | None]
) -> None:
    """The named finding exists and is the same insurer's (another's reads as unknown)."""
    if (key := source_ids["evaluation_id"]) is not None:
        evaluation = await AnnualEvaluationRepository(session).get(key)
        if evaluation is None or evaluation.insurer_id != insurer_id:
            unknown_reference(check, "evaluationId", "年度评估报告", "annual evaluation report")
    if (key := source_ids["complaint_id"]) is not None:
        complaint = await ComplaintRepository(session).get(key)
        if complaint is None or complaint.insurer_id != insurer_id:
            unknown_reference(check, "complaintId", "投诉", "complaint")
    if (key := source_ids["follow_up_id"]) is not None:
        follow_up = await FollowUpRepository(session).get(key)
        record = (
            None
            if follow_up is None
            else await ServiceRecordRepository(session).get(follow_up.service_record_id)
        )
        if record is None or record.insurer_id != insurer_id:
            unknown_reference(check, "followUpId", "回访记录", "follow-up")
