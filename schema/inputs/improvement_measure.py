"""Inputs for improvement measures (改进措施) and their progress, R-8.3-improvement."""

from __future__ import annotations

import datetime

import strawberry

from schema.vocabulary import ImprovementSource, ImprovementStatus


@strawberry.input(description="新建改进措施 / plan an improvement measure (R-8.3-improvement)")
class CreateImprovementMeasureInput:
    insurer_id: strawberry.ID = strawberry.field(description="保险机构 / the insurer")
    source: ImprovementSource = strawberry.field(description="问题来源 / where it was found")
    problem: str = strawberry.field(description="存在的问题 / the problem")
    measure: str = strawberry.field(description="改进措施 / the measure")
    evaluation_id: strawberry.ID | None = strawberry.field(
        default=None, description="来源评估报告 / the evaluation that found it"
    )
    complaint_id: strawberry.ID | None = strawberry.field(
        default=None, description="来源投诉 / the complaint that raised it"
    )
    follow_up_id: strawberry.ID | None = strawberry.field(
        default=None, description="来源回访 / the follow-up that raised it"
    )
    due_on: datetime.date | None = strawberry.field(default=None, description="完成期限 / due day")


@strawberry.input(description="记录改进进度 / move a measure one step on (R-8.3-improvement)")
class RecordImprovementProgressInput:
    measure_id: strawberry.ID = strawberry.field(description="改进措施 / the measure")
    status: ImprovementStatus = strawberry.field(description="新的进度 / the next status")
    progress_note: str | None = strawberry.field(
        default=None, description="进展说明 / what was done"
    )
    completed_at: datetime.datetime | None = strawberry.field(
        default=None, description="完成时间（完成时必填）/ when done, required for done"
    )
