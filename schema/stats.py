"""Dashboard aggregates: the ``stats`` field's arguments and result (issue 3, item 3).

Counts are exact integers; every rate carries its numerator and denominator beside the
ratio. The semantics of each figure are stated in ``services/stats.py``.
"""

from __future__ import annotations

import datetime
import decimal

import strawberry

from schema.vocabulary import RegionLevel, ServiceCategory
from store.repositories.stats import Dimension

strawberry.enum(
    Dimension,
    name="StatsDimension",
    description="统计分组维度 / what stats may group by",
)


@strawberry.input(description="统计筛选条件 / narrowing of every figure")
class StatsFilter:
    region: str | None = strawberry.field(
        default=None,
        description="辖区行政区划代码（含下级）/ a jurisdiction: this region and all below it",
    )
    industries: list[str] | None = strawberry.field(
        default=None, description="行业代码 / industry codes (any of)"
    )
    insurers: list[strawberry.ID] | None = strawberry.field(
        default=None, description="保险机构全局 ID / insurers' global ids (any of)"
    )
    categories: list[ServiceCategory] | None = strawberry.field(
        default=None,
        description=(
            "服务类别；无类别的数据（保单覆盖、投诉、台账）随之排除 / service categories; rows "
            "without one (policy coverage, complaints, ledger) drop out"
        ),
    )
    from_: datetime.date | None = strawberry.field(
        default=None, name="from", description="起始日（含，中国日期）/ first day, inclusive"
    )
    to: datetime.date | None = strawberry.field(
        default=None, description="截止日（不含）/ end day, exclusive: [from, to)"
    )
    above_designated_size: bool | None = strawberry.field(
        default=None, description="是否规模以上 / above designated size (规模以上)"
    )
    high_risk_only: bool = strawberry.field(
        default=False, description="仅高危行业 / only high-risk industries (R-5.1-annual)"
    )


@strawberry.type(description="比率：分子、分母与比值 / a rate: numerator, denominator, ratio")
class StatsRate:
    numerator: int = strawberry.field(description="分子 / numerator")
    denominator: int = strawberry.field(description="分母 / denominator")
    ratio: decimal.Decimal | None = strawberry.field(
        description="比值，四舍五入到四位小数；分母为0时为空 / ratio rounded half up to four "
        "places; null when the denominator is 0"
    )


@strawberry.type(description="工作日时限执行情况 / items against a working-day deadline")
class StatsDeadline:
    rule: str = strawberry.field(description="标准条款编号 / the rule of the standard")
    working_days: int = strawberry.field(description="时限（工作日）/ the limit in working days")
    on_time: int = strawberry.field(description="按时 / done on or before the due day")
    late: int = strawberry.field(description="逾期完成 / done after the due day")
    overdue: int = strawberry.field(description="已逾期未完成 / not done, past due")
    pending: int = strawberry.field(description="未到期 / not done, not yet due")
    unknown_deadline: int = strawberry.field(
        description="日历未覆盖、无法判定 / due day unknown: the holiday calendar does not "
        "cover the year"
    )
    on_time_rate: StatsRate = strawberry.field(
        description="按时率 = 按时 / (按时 + 逾期完成 + 已逾期) / "
        "onTime / (onTime + late + overdue)"
    )


@strawberry.type(description="按类别的服务数 / services of one category")
class StatsCategoryCount:
    category: ServiceCategory
    count: int


@strawberry.type(description="已完成服务 / completed services")
class StatsServices:
    delivered: int = strawberry.field(description="已完成服务数 / completed records")
    by_category: list[StatsCategoryCount] = strawberry.field(
        description="按类别（5.1 a–f，全部列出）/ per category, all six"
    )


@strawberry.type(description="评分人次 / visits giving one score")
class StatsScoreCount:
    score: int = strawberry.field(description="满意度 1–5 / satisfaction 1..5")
    count: int


@strawberry.type(description="回访满意度 / follow-up satisfaction (R-6.3-followup)")
class StatsSatisfaction:
    responses: int = strawberry.field(description="回访次数 / follow-up visits")
    score_sum: int = strawberry.field(description="评分合计 / sum of scores")
    average: decimal.Decimal | None = strawberry.field(
        description="平均分（四位小数）/ average score, four places"
    )
    distribution: list[StatsScoreCount] = strawberry.field(
        description="各分值人次（1–5）/ visits per score 1..5"
    )


@strawberry.type(description="服务记录归档 / archiving of service records (R-6.3-archive)")
class StatsArchive:
    confirmed: int = strawberry.field(description="投保单位已确认 / the unit's latest decision")
    disputed: int = strawberry.field(description="投保单位有异议 / disputed (latest decision)")
    unconfirmed: int = strawberry.field(description="尚无决定 / no decision yet")
    confirmed_rate: StatsRate = strawberry.field(description="确认率 / confirmed / completed")
    organised: StatsDeadline = strawberry.field(
        description="服务完成后按时整理 / organised within the limit after completion"
    )


@strawberry.type(description="投诉处理 / complaints and their answers (R-6.4-complaint)")
class StatsComplaints:
    filed: int = strawberry.field(description="投诉数 / complaints filed")
    answered: int = strawberry.field(description="已答复 / answered")
    answered_rate: StatsRate = strawberry.field(description="答复率 / answered / filed")
    needing_verification: int = strawberry.field(
        description="需进一步核实 / needing further verification"
    )
    answer: StatsDeadline = strawberry.field(
        description="无需核实的按时答复 / answers due within the shorter limit"
    )
    verified_answer: StatsDeadline = strawberry.field(
        description="需核实的按时答复 / answers due within the longer limit"
    )


@strawberry.type(description="事故预防服务费（元）/ prevention fees in yuan (R-7.3-ledger)")
class StatsFees:
    income: decimal.Decimal = strawberry.field(description="计提 / allocated (income)")
    expenditure: decimal.Decimal = strawberry.field(description="支出 / spent")
    balance: decimal.Decimal = strawberry.field(description="结余 / income − expenditure")


@strawberry.type(description="重大事故隐患 / major hazards (R-6.2-major-hazard)")
class StatsMajorHazards:
    found: int = strawberry.field(description="发现数 / found")
    told: int = strawberry.field(description="已告知投保单位 / the unit was told")
    untold: int = strawberry.field(description="未告知 / not told")
    told_rate: StatsRate = strawberry.field(description="告知率 / told / found")


@strawberry.type(
    description="一条规则的合规发现计数与合规率 / one rule's compliance findings in a group"
)
class StatsComplianceRule:
    rule: str = strawberry.field(description="标准条款编号 / the STANDARD.md rule id")
    met: int = strawberry.field(description="合规 / met (MET)")
    late: int = strawberry.field(description="逾期完成 / done late (LATE)")
    overdue: int = strawberry.field(description="逾期未完成 / not done, past due (OVERDUE)")
    due_soon: int = strawberry.field(description="即将到期 / not done, due soon (DUE_SOON)")
    pending: int = strawberry.field(description="未到期 / not done, due later (PENDING)")
    unknown: int = strawberry.field(description="无法判定 / cannot be told (UNKNOWN)")
    rate: StatsRate = strawberry.field(
        description="合规率：合规数 / （合规 + 逾期完成 + 逾期未完成），与合规评分相同 / "
        "compliance rate: met / (met + late + overdue), as in findingScorecard"
    )


@strawberry.type(description="行政区划分组 / a region group")
class StatsRegion:
    code: str
    name: str | None
    level: RegionLevel | None = strawberry.field(
        description="该分组区划自身的级别（可能高于所选级别，如济源市归入河南省）/ the "
        "group's own level; above the chosen one for e.g. 419001 济源市 grouped by city"
    )


@strawberry.type(description="行业分组 / an industry group")
class StatsIndustry:
    code: str
    name: str | None


@strawberry.type(description="保险机构分组 / an insurer group")
class StatsInsurer:
    id: strawberry.ID = strawberry.field(description="全局 ID / global id (Insurer:<id>)")
    name: str | None


@strawberry.type(description="一个分组的统计 / the figures of one group")
class StatsGroup:
    region: StatsRegion | None = strawberry.field(description="地区 / region (REGION)")
    industry: StatsIndustry | None = strawberry.field(description="行业 / industry (INDUSTRY)")
    insurer: StatsInsurer | None = strawberry.field(description="保险机构 / insurer (INSURER)")
    year: int | None = strawberry.field(description="年度 / year of the event (YEAR)")
    month: str | None = strawberry.field(
        description="月份（YYYY-MM）/ calendar month in China of the event, 'YYYY-MM' (MONTH)"
    )
    category: ServiceCategory | None = strawberry.field(
        description="服务类别；无类别的数据为空 / service category (CATEGORY); null for "
        "rows without one"
    )
    units_covered: int = strawberry.field(
        description="覆盖投保单位数（去重）/ distinct units with a policy or service"
    )
    services: StatsServices
    satisfaction: StatsSatisfaction
    follow_up: StatsDeadline = strawberry.field(
        description="服务完成后按时回访 / first follow-up within the limit (R-6.3-followup)"
    )
    archive: StatsArchive
    complaints: StatsComplaints
    fees: StatsFees
    major_hazards: StatsMajorHazards
    compliance: list[StatsComplianceRule] = strawberry.field(
        description="各规则合规发现与合规率（调用方可读取的记录；仅在选择时计算）/ per rule, "
        "the compliance findings and rate of the group, about rows the caller may read; "
        "computed only when selected (semantics: services/stats_compliance.py)"
    )


@strawberry.type(description="统计结果 / dashboard aggregates")
class StatsResult:
    group_by: list[Dimension] = strawberry.field(description="分组维度 / dimensions, in order")
    region_level: RegionLevel = strawberry.field(description="地区汇总级别 / region level")
    rules_version: str = strawberry.field(description="适用规则版本 / ruleset applied")
    as_of: datetime.date = strawberry.field(
        description="判定逾期的基准日 / the day overdue is judged against (today in China)"
    )
    groups: list[StatsGroup]
