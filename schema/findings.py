"""Compliance findings (合规发现 / compliance findings, issue 6 item 3): the ``findings`` field's
arguments and result. The states and deadlines are stated in ``services/findings.py``."""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal

import strawberry

from schema.types.common import Edge, PageInfo, SortDirection
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
        "未到期（PENDING）、节假日历未覆盖或数据模型不足以判断（UNKNOWN）/ where a subject stands "
        "against its rule: met (nothing missing), done late, overdue (or something missing), due "
        "soon, pending, or unknown (the holiday calendar does not cover the year, or the data "
        "model does not hold what the rule needs)"
    ),
)


@strawberry.input(description="合规发现筛选条件 / narrowing of the compliance findings")
class FindingFilter:
    region: str | None = strawberry.field(
        default=None,
        description="辖区行政区划代码（含下级）/ a jurisdiction: this region and all below it",
    )
    industries: list[str] | None = strawberry.field(
        default=None,
        description="投保单位所属行业代码（任一）/ the insured units' industry codes (any of); "
        "an insurer's own duties (staff training, evaluations) belong to no industry",
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
        description="起算日起（含，中国日期：服务完成或开始、投诉、发现隐患、保险期间或年度开始之日）"
        "/ first day the clock started, inclusive (the day in China a service was completed or "
        "began, a complaint filed, a hazard found, a policy period or a year began)",
    )
    to: datetime.date | None = strawberry.field(
        default=None, description="事件日止（不含）/ end event day, exclusive: [from, to)"
    )


@strawberry.enum(description="合规发现排序键 / what findings are sorted by first")
class FindingSort(enum.Enum):
    STARTED_AT = "started"  # 起算时间 / when the clock started
    DUE_DATE = "due"  # 到期时刻；无到期日者排最后 / the due instant; none last


@strawberry.input(
    name="FindingOrder",
    description="合规发现排序（相同时按规则、对象；无到期日者始终排最后）/ ordering of the "
    "findings, ties by rule then subject, in the same direction; findings with no due day "
    "come last in both directions (keyset cursors belong to one order)",
)
class FindingOrderInput:
    field: FindingSort = strawberry.field(
        default=FindingSort.STARTED_AT,
        description="排序键：起算时间（默认）或到期日（工作清单）/ sort key: when the clock "
        "started (default) or the due day (a work queue, issue 9)",
    )
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="排序方向 / sort direction"
    )


@strawberry.enum(description="合规发现的对象类型 / what a finding is about")
class FindingSubjectType(enum.Enum):
    SERVICE_RECORD = "ServiceRecord"
    COMPLAINT = "Complaint"
    INSURANCE_POLICY = "InsurancePolicy"  # a policy year
    POLICY_SERVICE_ITEM = "PolicyServiceItem"  # R-4.1-contract
    HAZARD = "Hazard"  # R-6.2-major-hazard
    STAFF_MEMBER = "StaffMember"  # a year of R-7.1-staff
    INSURER = "Insurer"  # a year of R-8.1-evaluation, R-8.2-publication
    SERVICE_SCHEME = "ServiceScheme"  # R-7.1-staff: a scheme naming an agency


@strawberry.type(description="无法核查的部分及原因 / a part that cannot be checked, and why")
class FindingGap:
    code: str = strawberry.field(description="文档或部分代码 / the document or part code")
    reason: str = strawberry.field(description="原因 / why it cannot be checked")


@strawberry.type(description="合规发现的依据 / what a finding was decided from")
class FindingEvidence:
    started_at: datetime.datetime = strawberry.field(
        description="起算时间：服务完成或开始、投诉、发现隐患、保险期间或年度开始的时间 / when "
        "the clock started: a service's completion (or start), a complaint's filing, a hazard "
        "found, a policy period or a calendar year beginning"
    )
    done_at: datetime.datetime | None = strawberry.field(
        description="完成时间：首次回访、整理归档、答复、方案协商一致、告知隐患、评估报告或公开时间；"
        "未完成或不适用为空 / when it was done: the first visit, the record organised, the "
        "answer, the scheme agreed, the unit told, the report written or published; null when "
        "not done or not a matter of one act"
    )
    working_days: int | None = strawberry.field(
        description="适用的期限（工作日）；非工作日期限为空 / the deadline applied, in working "
        "days; null for rules not counted in working days"
    )
    needs_verification: bool = strawberry.field(
        description="投诉需进一步核实（适用较长期限）/ the complaint needs further verification "
        "(the longer deadline applies)"
    )
    year: int | None = strawberry.field(
        description="年度（培训、评估、公开）/ the calendar year measured (R-7.1, R-8.1, R-8.2)"
    )
    count: int | None = strawberry.field(
        description="已提供的次数（服务、培训）/ how many were delivered (services, trainings)"
    )
    required_count: int | None = strawberry.field(
        description="要求的次数 / how many the rule or the contract asks for"
    )
    fee_spent: Decimal | None = strawberry.field(
        description="已支出的服务费用（元，R-7.3-ledger）/ prevention fees spent, yuan"
    )
    fee_agreed: Decimal | None = strawberry.field(
        description="按约定比例应列支的费用（元）/ the agreed share of the premium, yuan"
    )
    unbacked_entries: int | None = strawberry.field(
        description="无对应服务的支出笔数 / expenditures that name no service"
    )
    missing: list[str] = strawberry.field(
        description="缺失的文档、字段或答复部分 / documents, scheme fields or answer parts missing"
    )
    unverifiable: list[FindingGap] = strawberry.field(
        description="数据模型无法核查的部分 / parts the data model cannot check"
    )
    agency_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="承接服务或方案的技术服务机构全局 ID（R-7.1-staff）/ the agency the service "
        "or scheme was given to (R-7.1-staff)",
    )
    agency_suspension_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="当时有效的暂停记录全局 ID（AgencyStatusChange），未暂停为空 / the agency's "
        "suspension in force then (an AgencyStatusChange global id); null when it was not "
        "suspended (R-7.1-staff)",
    )


@strawberry.type(
    description="合规发现：一个对象相对于标准某条规则的状态 / a compliance finding: where one "
    "subject (service, complaint, policy year, hazard, staff or insurer year) stands against a "
    "rule of the standard"
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
    working_days_left: int | None = strawberry.field(
        description="距到期日的剩余工作日（今天之后至到期日，按规则集的节假日历；0 为今天到期，"
        "负数为已逾期的工作日数）；无到期日或日历未覆盖时为空 / working days left: those after "
        "today up to the due day, by the holiday calendar (0: due today; negative: overdue by "
        "as many working days); null without a due day or past the calendar"
    )
    subject_id: strawberry.ID = strawberry.field(
        description="对象全局 ID（ServiceRecord:编号 或 Complaint:编号）/ the subject's global id"
    )
    subject_type: FindingSubjectType = strawberry.field(description="对象类型 / subject type")
    insurer_id: strawberry.ID = strawberry.field(
        description="保险机构全局 ID / the insurer's global id"
    )
    unit_id: strawberry.ID | None = strawberry.field(
        description="投保单位全局 ID；保险机构自身义务为空 / the insured unit's global id; null "
        "for an insurer's own duty (R-7.1, R-8.1, R-8.2)"
    )
    evidence: FindingEvidence = strawberry.field(description="依据 / evidence")
    ruleset_id: str = strawberry.field(
        description="所依据的规则集（如 AQ9010-draft）/ the ruleset the finding came from"
    )


@strawberry.type(
    description="合规发现列表（默认按起算时间、规则、对象排序）/ compliance findings, by "
    "default ordered by the time the clock started, rule and subject (keyset cursors)"
)
class FindingConnection:
    edges: list[Edge[Finding]]
    nodes: list[Finding] = strawberry.field(description="各边的节点 / the nodes of the edges")
    page_info: PageInfo
    ruleset_id: str = strawberry.field(
        description="本次使用的规则集 / the ruleset in force for this answer"
    )


@strawberry.type(description="一条规则的合规计数 / an insurer's findings of one rule, counted")
class FindingRuleScore:
    rule: str = strawberry.field(description="规则编号 / the rule id")
    met: int = strawberry.field(description="符合 / met")
    not_met: int = strawberry.field(description="不符合（逾期完成或已逾期）/ late or overdue")
    open: int = strawberry.field(description="未到期（即将到期或未到期）/ due soon or pending")
    unknown: int = strawberry.field(description="无法判断 / unknown")
    rate: Decimal | None = strawberry.field(
        description="合规率：已判定者中符合的比例（四位小数）；尚无判定为空 / compliance "
        "rate: met among met and not met, to four places; null when none is decided"
    )


@strawberry.type(description="保险机构合规评分 / an insurer's compliance scorecard")
class InsurerScorecard:
    insurer_id: strawberry.ID = strawberry.field(
        description="保险机构全局 ID / the insurer's global id"
    )
    rules: list[FindingRuleScore] = strawberry.field(
        description="各规则的计数（有合规发现的规则）/ per rule with findings"
    )


@strawberry.type(description="合规评分 / compliance scorecards of the insurers in scope")
class FindingScorecard:
    ruleset_id: str = strawberry.field(description="所依据的规则集 / the ruleset in force")
    insurers: list[InsurerScorecard] = strawberry.field(
        description="各保险机构（按编号）/ per insurer, by key"
    )
