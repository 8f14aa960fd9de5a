"""Inputs for complaints (投诉) and their written answers, R-6.4-complaint."""

from __future__ import annotations

import datetime

import strawberry


@strawberry.input(description="提出投诉 / file a complaint (R-6.4-complaint)")
class FileComplaintInput:
    insurer_id: strawberry.ID = strawberry.field(description="被投诉的保险机构 / the insurer")
    unit_id: strawberry.ID = strawberry.field(description="投诉的投保单位 / the complaining unit")
    filed_at: datetime.datetime = strawberry.field(description="投诉时间 / when filed")
    request: str = strawberry.field(description="投诉请求 / the complaint as filed")
    service_record_id: strawberry.ID | None = strawberry.field(
        default=None, description="所投诉的服务 / the service complained about, if any"
    )
    needs_verification: bool = strawberry.field(
        default=False,
        description="需要进一步核实（适用较长答复时限）/ needs verification: the longer deadline",
    )


@strawberry.input(description="答复投诉 / answer a complaint in writing (R-6.4-complaint)")
class AnswerComplaintInput:
    complaint_id: strawberry.ID = strawberry.field(description="投诉 / the complaint")
    answered_at: datetime.datetime = strawberry.field(description="答复时间 / when answered")
    answer_request: str | None = strawberry.field(
        default=None, description="投诉人的投诉请求 / the complainant's request"
    )
    answer_facts: str | None = strawberry.field(
        default=None, description="事实认定及依据 / the facts found and their basis"
    )
    answer_measures: str | None = strawberry.field(
        default=None, description="处理措施 / the measures taken"
    )
    extension_days: int | None = strawberry.field(
        default=None, description="经批准的延期天数 / approved extension in days"
    )
    extension_approver: str | None = strawberry.field(
        default=None, description="延期批准人 / who approved the extension"
    )
    extension_reason: str | None = strawberry.field(
        default=None, description="延期理由 / why the deadline was extended"
    )
    extension_told_at: datetime.datetime | None = strawberry.field(
        default=None, description="告知延期的时间 / when the unit was told of the extension"
    )
