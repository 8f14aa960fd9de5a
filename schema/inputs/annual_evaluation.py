"""Inputs for annual evaluation reports (年度评估报告): written (R-8.1-evaluation),
submitted and published (R-8.2-publication)."""

from __future__ import annotations

import datetime
import decimal

import strawberry

from schema.vocabulary import EvaluationMethod


@strawberry.input(description="评估报告内容 / the content of a report (R-8.1-evaluation)")
class EvaluationContentInput:
    method: EvaluationMethod = strawberry.field(
        description="自评或第三方评估 / self or third party"
    )
    evaluator: str | None = strawberry.field(
        default=None, description="第三方评估机构 / the third-party evaluator"
    )
    # The six sections of R-8.1-evaluation: nullable here so a missing one comes back as
    # SECTION_MISSING with its rule rather than as a bare GraphQL error.
    scheme_implementation: str | None = strawberry.field(
        default=None, description="服务方案实施情况及效果 / scheme implementation and effect"
    )
    unit_satisfaction: str | None = strawberry.field(
        default=None, description="投保单位满意度 / unit satisfaction"
    )
    fee_expenditure: str | None = strawberry.field(
        default=None, description="服务费用支出情况 / fee expenditure"
    )
    staff_competence: str | None = strawberry.field(
        default=None, description="机构和人员的专业能力 / competence of agencies and staff"
    )
    complaints_handling: str | None = strawberry.field(
        default=None, description="投诉及处理情况 / complaints and their handling"
    )
    problems_and_measures: str | None = strawberry.field(
        default=None, description="存在的问题和改进措施 / problems and improvement measures"
    )
    units_served: int | None = strawberry.field(
        default=None, description="服务单位数 / units served"
    )
    services_delivered: int | None = strawberry.field(
        default=None, description="服务次数 / services delivered"
    )
    satisfaction_rate: decimal.Decimal | None = strawberry.field(
        default=None, description="满意率（0–1）/ satisfaction rate as a fraction"
    )
    complaints_received: int | None = strawberry.field(
        default=None, description="收到投诉数 / complaints received"
    )
    complaints_answered_on_time: int | None = strawberry.field(
        default=None, description="按时答复投诉数 / complaints answered on time"
    )
    fee_income: decimal.Decimal | None = strawberry.field(
        default=None, description="服务费用收入（元）/ fee income in yuan"
    )
    fee_spent: decimal.Decimal | None = strawberry.field(
        default=None, description="服务费用支出（元）/ fees spent in yuan"
    )


@strawberry.input(
    description="新建年度评估报告（第1版）/ version 1 of an insurer's report for a year"
)
class CreateEvaluationInput(EvaluationContentInput):
    insurer_id: strawberry.ID = strawberry.field(description="保险机构 / the insurer")
    year: int = strawberry.field(description="评估年度 / the year evaluated")
    from_data: bool = strawberry.field(
        default=False,
        description="由本机构该年度数据生成未填写的部分与指标 / draft every section and "
        "indicator left empty from the insurer's data for the year; those given are kept "
        "(R-8.1-evaluation)",
    )


@strawberry.input(description="修订评估报告（新草稿版本）/ a new draft version of a report")
class ReviseEvaluationInput(EvaluationContentInput):
    supersedes_id: strawberry.ID = strawberry.field(
        description="被替代的最新版本 / the latest version, which this one supersedes"
    )
    from_data: bool = strawberry.field(
        default=False,
        description="由该报告年度的数据重新生成未填写的部分与指标 / draft every section and "
        "indicator left empty afresh from the data of the report's insurer and year, e.g. "
        "once improvement measures are done (R-8.1-evaluation, R-8.3-improvement)",
    )


@strawberry.input(description="报送评估报告 / submit a report to the regulator (R-8.2-publication)")
class SubmitEvaluationInput:
    evaluation_id: strawberry.ID = strawberry.field(description="评估报告 / the report")
    submitted_to: str = strawberry.field(
        description="报送的应急管理部门 / the emergency-management department"
    )
    submitted_at: datetime.datetime = strawberry.field(description="报送时间 / when submitted")


@strawberry.input(description="公开评估结果 / publish a report's results (R-8.2-publication)")
class PublishEvaluationInput:
    evaluation_id: strawberry.ID = strawberry.field(description="评估报告 / the report")
    published_at: datetime.datetime = strawberry.field(description="公开时间 / when published")
