"""Inputs for service records (服务记录): recording and completing a prevention service."""

from __future__ import annotations

import datetime

import strawberry

from schema.vocabulary import ResponsibleParty, ServiceCategory


@strawberry.input(description="发现的隐患 / a hazard found by the service (R-6.2-major-hazard)")
class HazardInput:
    description: str = strawberry.field(description="隐患描述 / what was found")
    is_major: bool = strawberry.field(description="是否重大事故隐患 / a major hazard")
    found_at: datetime.datetime = strawberry.field(description="发现时间 / when it was found")
    told_at: datetime.datetime | None = strawberry.field(
        default=None, description="告知投保单位的时间 / when the unit was told (R-6.2-major-hazard)"
    )
    rectified_at: datetime.datetime | None = strawberry.field(
        default=None, description="整改完成时间 / when it was rectified"
    )


@strawberry.input(description="新建服务记录 / record a prevention service (planned or completed)")
class CreateServiceRecordInput:
    insurer_id: strawberry.ID = strawberry.field(description="保险机构 / the insurer")
    unit_id: strawberry.ID = strawberry.field(description="投保单位 / the insured unit")
    policy_id: strawberry.ID = strawberry.field(description="保险合同 / the policy")
    category: ServiceCategory = strawberry.field(description="服务内容（5.1）/ service category")
    planned_on: datetime.date = strawberry.field(description="计划服务日期 / planned day")
    place: str = strawberry.field(description="服务地点 / place")
    content: str = strawberry.field(description="服务内容 / what the service covers")
    responsible_party: ResponsibleParty = strawberry.field(
        description="服务责任方 / who answers for the service (R-5.3-responsibility)"
    )
    scheme_id: strawberry.ID | None = strawberry.field(
        default=None, description="服务方案版本 / the scheme version followed (R-6.1-scheme)"
    )
    agency_id: strawberry.ID | None = strawberry.field(
        default=None, description="服务机构 / the agency delivering the service"
    )
    responsible_agency_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="承担责任的经纪或第三方机构 / the broker or third party answering for it",
    )
    started_at: datetime.datetime | None = strawberry.field(
        default=None, description="开始时间 / when the service started"
    )
    completed_at: datetime.datetime | None = strawberry.field(
        default=None, description="完成时间（填写即为已完成）/ when completed; given = completed"
    )
    organised_at: datetime.datetime | None = strawberry.field(
        default=None, description="记录整理完成时间 / when the record was organised (R-6.3-archive)"
    )
    process: str | None = strawberry.field(default=None, description="服务过程 / how it went")
    staff_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="服务人员 / experts and staff who served"
    )
    hazards: list[HazardInput] = strawberry.field(
        default_factory=list, description="发现的隐患 / hazards found"
    )


@strawberry.input(description="完成服务 / complete a planned service record")
class CompleteServiceRecordInput:
    record_id: strawberry.ID = strawberry.field(description="服务记录 / the planned record")
    completed_at: datetime.datetime = strawberry.field(description="完成时间 / when completed")
    started_at: datetime.datetime | None = strawberry.field(
        default=None, description="开始时间（记录尚无时）/ start, when the record has none yet"
    )
    organised_at: datetime.datetime | None = strawberry.field(
        default=None, description="记录整理完成时间 / when the record was organised (R-6.3-archive)"
    )
    content: str | None = strawberry.field(
        default=None,
        description="实际服务内容（填写即替换计划内容；不得为空白）/ what the service covered, as "
        "done: given, it replaces the planned content (blank is refused)",
    )
    process: str | None = strawberry.field(default=None, description="服务过程 / how it went")
    hazards: list[HazardInput] = strawberry.field(
        default_factory=list, description="服务中发现的隐患 / hazards found during the service"
    )
