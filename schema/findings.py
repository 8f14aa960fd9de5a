"""Compliance findings (合规发现 / compliance findings, issue 6 item 3): the ``findings`` field's
arguments and result. The states and deadlines are stated in ``services/findings.py``."""

from __future__ import annotations

import datetime
import enum

import strawberry

from schema.types.common import Edge, PageInfo
from store.repositories.findings import FindingRule, FindingState

strawberry.enum(
    FindingRule,
    name="FindingRule",
    description="有合规发现的规则 / the rules findings are computed for",
)
strawberry.enum(
    FindingState,
    name="FindingState",
    description=(
        "合规状态：按时（MET）、逾期完成（LATE）、已逾期未完成（OVERDUE）、即将到期（DUE_SOON）、"
        "未到期（PENDING）、节假日历未覆盖无法判断（UNKNOWN）/ where a subject stands against "
        "its deadline: met, done late, overdue, due soon, pending, or unknown (the holiday "
        "calendar does not cover the year)"
    ),
)


@strawberry.input(description="合规发现筛选条件 / narrowing of the compliance findings")
class FindingFilter:
    region: str | None = strawberry.field(
        default=None,
        description="辖区行政区划代码（含下级）/ a jurisdiction: this region and all below it",
    )
    insurers: list[strawberry.ID] | None = strawberry.field(
        default=None, description="保险机构全局 ID / insurers' global ids (any of)"
    )
    rules: list[FindingRule] | None = strawberry.field(
        default=None, description="规则（默认全部）/ rules (default: all)"
    )
    states: list[FindingState] | None = strawberry.field(
        default=None, description="状态（默认全部）/ states (default: all)"
    )
    from_: datetime.date | None = strawberry.field(
        default=None,
        name="from",
        description="事件日起（含，中国日期；服务完成日或投诉日）/ first event day, inclusive "
        "(the day in China the service was completed or the complaint filed)",
    )
    to: datetime.date | None = strawberry.field(
        default=None, description="事件日止（不含）/ end event day, exclusive: [from, to)"
    )


@strawberry.enum(description="合规发现的对象类型 / what a finding is about")
class FindingSubjectType(enum.Enum):
    SERVICE_RECORD = "ServiceRecord"
    COMPLAINT = "Complaint"


@strawberry.type(description="合规发现的依据 / what a finding was decided from")
class FindingEvidence:
    started_at: datetime.datetime = strawberry.field(
        description="起算时间：服务完成时间或投诉时间 / when the clock started: the service's "
        "completion or the complaint's filing"
    )
    done_at: datetime.datetime | None = strawberry.field(
        description="完成时间：首次回访、整理归档或答复时间；未完成为空 / when it was done: the "
        "first follow-up visit, the record organised, or the answer; null when not done"
    )
    working_days: int = strawberry.field(
        description="适用的期限（工作日）/ the deadline applied, in working days"
    )
    needs_verification: bool = strawberry.field(
        description="投诉需进一步核实（适用较长期限）/ the complaint needs further verification "
        "(the longer deadline applies)"
    )


@strawberry.type(
    description="合规发现：一条服务记录或投诉相对于标准期限的状态 / a compliance finding: where "
    "a service record or complaint stands against a deadline of the standard"
)
class Finding:
    rule: str = strawberry.field(description="规则编号（如 R-6.3-followup）/ the rule id")
    state: FindingState = strawberry.field(description="状态 / state")
    due_on: datetime.date | None = strawberry.field(
        description="到期日（中国日期）；无法判断时为空 / the due day in China; null when unknown"
    )
    due_at: datetime.datetime | None = strawberry.field(
        description="期限届满时刻（到期日结束，UTC）/ the instant the due day ends (UTC)"
    )
    subject_id: strawberry.ID = strawberry.field(
        description="对象全局 ID（ServiceRecord:编号 或 Complaint:编号）/ the subject's global id"
    )
    subject_type: FindingSubjectType = strawberry.field(description="对象类型 / subject type")
    insurer_id: strawberry.ID = strawberry.field(
        description="保险机构全局 ID / the insurer's global id"
    )
    unit_id: strawberry.ID = strawberry.field(
        description="投保单位全局 ID / the insured unit's global id"
    )
    evidence: FindingEvidence = strawberry.field(description="依据 / evidence")
    ruleset_id: str = strawberry.field(
        description="所依据的规则集（如 AQ9010-draft）/ the ruleset the finding came from"
    )


@strawberry.type(
    description="合规发现列表（按起算时间、规则、对象排序）/ compliance findings, ordered by "
    "the time the clock started, rule and subject (keyset cursors)"
)
class FindingConnection:
    edges: list[Edge[Finding]]
    nodes: list[Finding] = strawberry.field(description="各边的节点 / the nodes of the edges")
    page_info: PageInfo
    ruleset_id: str = strawberry.field(
        description="本次使用的规则集 / the ruleset in force for this answer"
    )
