"""Record types of the service process: policies, schemes, services, follow-ups, complaints,
the fee ledger, evaluations and improvement measures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from schema.types.common import Node
from schema.types.fields import connection_field
from schema.types.filters import FeeLedgerEntryFilter, ServiceRecordFilter
from schema.types.parties import Agency, InsuredUnit, Insurer, InsurerBranch, StaffMember
from schema.vocabulary import (
    ComplaintStatus,
    ConfirmationDecision,
    EvaluationMethod,
    EvaluationStatus,
    FollowUpMethod,
    ImprovementSource,
    ImprovementStatus,
    LedgerEntryKind,
    ResponsibleParty,
    ServiceCategory,
    ServiceStatus,
)

_HERE = "schema.types.services"
# Connections to types defined further down this module.
ServiceRecordRef = Annotated["ServiceRecord", strawberry.lazy(_HERE)]
LedgerRef = Annotated["FeeLedgerEntry", strawberry.lazy(_HERE)]


@strawberry.type(description="约定服务项目及频次 / agreed service item (R-4.1-contract)")
class PolicyServiceItem(Node):
    category: ServiceCategory
    frequency_per_year: int = strawberry.field(description="每年次数 / times per year")


@strawberry.type(description="保险合同 / insurance policy")
class InsurancePolicy(Node):
    policy_no: str
    period_start: date
    period_end: date = strawberry.field(description="保险期间止（不含）/ end of period, exclusive")
    premium: Decimal = strawberry.field(description="保费（元）/ premium in yuan")
    prevention_fee_ratio: Decimal = strawberry.field(
        description="事故预防服务费用比例 / share of premium for prevention (R-7.3-ledger)"
    )
    insurer: Insurer
    unit: InsuredUnit
    branch: InsurerBranch | None
    service_items: list[PolicyServiceItem]
    schemes: list[ServiceScheme] = strawberry.field(description="服务方案各版本 / scheme versions")
    service_records = connection_field(
        ServiceRecordRef, "ServiceRecord", ServiceRecordFilter, "服务记录 / service records"
    )
    ledger_entries = connection_field(
        LedgerRef, "FeeLedgerEntry", FeeLedgerEntryFilter, "费用台账 / fee ledger"
    )


@strawberry.type(description="服务项目 / scheme item: content and frequency")
class SchemeItem(Node):
    category: ServiceCategory
    frequency_per_year: int
    description: str | None


@strawberry.type(description="事故预防技术服务方案（3.4）/ service scheme, one version")
class ServiceScheme(Node):
    version: int
    time_limits: str = strawberry.field(description="服务时限 / time limits")
    budget: Decimal = strawberry.field(description="费用预算（元）/ budget in yuan")
    expected_effect: str = strawberry.field(description="预期效果 / expected effect")
    guarantees: str = strawberry.field(description="服务保障 / guarantees")
    liability_terms: str = strawberry.field(description="责任条款 / liability terms")
    complaint_arbitration: str = strawberry.field(description="投诉仲裁 / complaint arbitration")
    agreed_at: datetime = strawberry.field(description="协商一致时间 / agreed with the unit at")
    insurer: Insurer
    policy: InsurancePolicy
    unit: InsuredUnit
    agency: Agency | None
    supersedes: ServiceScheme | None = strawberry.field(description="上一版本 / previous version")
    items: list[SchemeItem]
    staff: list[StaffMember] = strawberry.field(description="服务人员 / staff")


@strawberry.type(
    description="聘用技术服务机构的合同 / an insurer's contract with a hired agency for a unit "
    "(R-7.4-archive: part of the unit's archive, never changed)"
)
class AgencyContract(Node):
    signed_on: date = strawberry.field(description="签订日期 / day signed")
    valid_from: date = strawberry.field(description="有效期起（含）/ valid from, inclusive")
    valid_to: date | None = strawberry.field(
        description="有效期止（含），空为长期 / valid to, inclusive; null: open-ended"
    )
    scope_of_services: str = strawberry.field(description="服务范围 / scope of services")
    document_ref: str = strawberry.field(
        description="合同文本编号或存放位置 / reference of the signed document"
    )
    document_sha256: str | None = strawberry.field(
        description="合同文本的 SHA-256 摘要 / SHA-256 of the signed document"
    )
    insurer: Insurer
    agency: Agency
    unit: InsuredUnit
    policy: InsurancePolicy | None = strawberry.field(
        description="所涉保险合同，空为该单位全部保单 / the policy covered; null: every policy "
        "of the unit with the insurer"
    )


@strawberry.type(description="隐患 / hazard found by a service")
class Hazard(Node):
    description: str
    is_major: bool = strawberry.field(description="重大事故隐患 / major hazard")
    found_at: datetime
    told_at: datetime | None = strawberry.field(
        description="告知投保单位时间（R-6.2-major-hazard）/ when the unit was told"
    )
    rectified_at: datetime | None
    service_record: ServiceRecord


@strawberry.type(description="回访 / follow-up visit (R-6.3-followup)")
class FollowUp(Node):
    method: FollowUpMethod
    visited_at: datetime
    satisfaction: int = strawberry.field(description="满意度 1–5 / satisfaction 1–5")
    comments: str | None
    service_record: ServiceRecord
    staff: StaffMember | None


@strawberry.type(description="投保单位确认 / a unit's confirmation or dispute (R-6.3-archive)")
class UnitConfirmation(Node):
    decision: ConfirmationDecision
    reason: str | None
    decided_at: datetime
    service_record: ServiceRecord
    unit: InsuredUnit


@strawberry.type(description="服务记录 / service record (clauses 5, 6)")
class ServiceRecord(Node):
    category: ServiceCategory
    status: ServiceStatus
    planned_on: date
    started_at: datetime | None
    completed_at: datetime | None
    place: str
    responsible_party: ResponsibleParty = strawberry.field(
        description="服务责任方（R-5.3-responsibility）/ responsible party"
    )
    content: str
    process: str | None
    organised_at: datetime | None = strawberry.field(
        description="整理归档时间（R-6.3-archive）/ organised at"
    )
    created_at: datetime
    insurer: Insurer
    unit: InsuredUnit
    policy: InsurancePolicy
    scheme: ServiceScheme | None
    agency: Agency | None
    responsible_agency: Agency | None
    hazards: list[Hazard]
    follow_ups: list[FollowUp]
    confirmations: list[UnitConfirmation]
    staff: list[StaffMember]


@strawberry.type(description="投诉 / complaint (R-6.4-complaint)")
class Complaint(Node):
    filed_at: datetime
    request: str = strawberry.field(description="投诉请求 / the complainant's request")
    needs_verification: bool = strawberry.field(description="需进一步核实 / needs verification")
    status: ComplaintStatus
    answered_at: datetime | None
    answer_request: str | None = strawberry.field(description="答复：投诉请求 / answer: request")
    answer_facts: str | None = strawberry.field(
        description="答复：事实认定及依据 / answer: facts found and basis"
    )
    answer_measures: str | None = strawberry.field(
        description="答复：处理措施 / answer: measures taken"
    )
    extension_days: int | None
    extension_approver: str | None
    extension_reason: str | None
    extension_told_at: datetime | None
    insurer: Insurer
    unit: InsuredUnit
    service_record: ServiceRecord | None


@strawberry.type(description="服务费用台账条目 / fee ledger entry (R-7.3-ledger)")
class FeeLedgerEntry(Node):
    kind: LedgerEntryKind
    amount: Decimal = strawberry.field(description="金额（元）/ amount in yuan")
    occurred_on: date
    purpose: str
    counterparty: str | None
    insurer: Insurer
    unit: InsuredUnit
    policy: InsurancePolicy
    service_record: ServiceRecord | None
    corrects: FeeLedgerEntry | None = strawberry.field(description="更正的条目 / entry corrected")


@strawberry.type(description="年度评估报告 / annual evaluation (R-8.1-evaluation)")
class AnnualEvaluation(Node):
    year: int
    version: int
    method: EvaluationMethod
    evaluator: str | None
    scheme_implementation: str = strawberry.field(description="服务方案实施情况及效果")
    unit_satisfaction: str = strawberry.field(description="投保单位满意度 / unit satisfaction")
    fee_expenditure: str = strawberry.field(description="服务费用支出情况 / fee expenditure")
    staff_competence: str = strawberry.field(description="机构和人员专业能力 / competence")
    complaints_handling: str = strawberry.field(description="投诉及处理情况 / complaints")
    problems_and_measures: str = strawberry.field(description="存在的问题和改进措施")
    units_served: int | None
    services_delivered: int | None
    satisfaction_rate: Decimal | None
    complaints_received: int | None
    complaints_answered_on_time: int | None
    fee_income: Decimal | None
    fee_spent: Decimal | None
    status: EvaluationStatus
    submitted_at: datetime | None
    submitted_to: str | None
    published_at: datetime | None
    insurer: Insurer
    supersedes: AnnualEvaluation | None


@strawberry.type(description="改进措施 / improvement measure (R-8.3-improvement)")
class ImprovementMeasure(Node):
    source: ImprovementSource
    problem: str
    measure: str
    due_on: date | None
    status: ImprovementStatus
    progress_note: str | None
    completed_at: datetime | None
    insurer: Insurer
    evaluation: AnnualEvaluation | None
    complaint: Complaint | None
    follow_up: FollowUp | None
