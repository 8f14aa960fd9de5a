"""Record types of the parties: regions, industries, insurers, units, agencies, staff."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from schema.types.common import Node
from schema.types.fields import connection_field
from schema.types.filters import (
    ComplaintFilter,
    FeeLedgerEntryFilter,
    InsurancePolicyFilter,
    ServiceRecordFilter,
)
from schema.vocabulary import AgencyKind, AgencyStatus, HighRiskCategory, RegionLevel, StaffKind

if TYPE_CHECKING:
    from schema.types.services import (
        AnnualEvaluation,
        Complaint,
        FeeLedgerEntry,
        InsurancePolicy,
        ServiceRecord,
    )

_SERVICES = "schema.types.services"
ServiceRecordRef = Annotated["ServiceRecord", strawberry.lazy(_SERVICES)]
PolicyRef = Annotated["InsurancePolicy", strawberry.lazy(_SERVICES)]
ComplaintRef = Annotated["Complaint", strawberry.lazy(_SERVICES)]
LedgerRef = Annotated["FeeLedgerEntry", strawberry.lazy(_SERVICES)]


@strawberry.type(description="行政区划（GB/T 2260）/ administrative division")
class Region(Node):
    code: str = strawberry.field(description="区划代码 / GB/T 2260 code")
    name: str
    level: RegionLevel
    parent: Region | None = strawberry.field(description="上级区划 / parent division")
    children: list[Region] = strawberry.field(description="下级区划 / child divisions")


@strawberry.type(description="行业 / industry")
class Industry(Node):
    code: str
    name: str
    high_risk_category: HighRiskCategory | None = strawberry.field(
        description="高危行业类别（R-5.1-annual）/ high-risk category, if any"
    )


@strawberry.type(description="保险机构 / insurer (a tenant)")
class Insurer(Node):
    code: str
    name: str
    credit_code: str = strawberry.field(description="统一社会信用代码 / credit code")
    created_at: datetime
    branches: list[InsurerBranch] = strawberry.field(description="分支机构 / branches")
    evaluations: list[Annotated[AnnualEvaluation, strawberry.lazy(_SERVICES)]] = strawberry.field(
        description="年度评估报告 / annual evaluations (R-8.1-evaluation)"
    )
    policies = connection_field(
        PolicyRef, "InsurancePolicy", InsurancePolicyFilter, "保险合同 / policies"
    )
    service_records = connection_field(
        ServiceRecordRef, "ServiceRecord", ServiceRecordFilter, "服务记录 / service records"
    )


@strawberry.type(description="保险机构分支机构 / insurer branch")
class InsurerBranch(Node):
    name: str
    insurer: Insurer
    region: Region


@strawberry.type(description="投保单位 / insured unit")
class InsuredUnit(Node):
    credit_code: str = strawberry.field(description="统一社会信用代码（GB 32100）/ credit code")
    name: str
    above_designated_size: bool = strawberry.field(description="规模以上 / above designated size")
    staff_count: int
    address: str | None
    contact_name: str | None = strawberry.field(
        description="联系人（个人信息）/ contact (personal)"
    )
    contact_phone: str | None = strawberry.field(
        description="联系电话（个人信息）/ contact phone (personal)"
    )
    business_secret_notes: str | None = strawberry.field(
        description="商业秘密（R-4.2-privacy）/ business secrets"
    )
    withheld_fields: list[str] = strawberry.field(
        description="因权限未显示的受保护字段（R-4.2-privacy）/ protected fields withheld from you"
    )
    region: Region
    industry: Industry
    policies = connection_field(
        PolicyRef, "InsurancePolicy", InsurancePolicyFilter, "保险合同 / policies"
    )
    service_records = connection_field(
        ServiceRecordRef, "ServiceRecord", ServiceRecordFilter, "服务记录 / service records"
    )
    complaints = connection_field(ComplaintRef, "Complaint", ComplaintFilter, "投诉 / complaints")
    ledger_entries = connection_field(
        LedgerRef, "FeeLedgerEntry", FeeLedgerEntryFilter, "费用台账 / fee ledger (R-7.3-ledger)"
    )


@strawberry.type(description="资质证书 / qualification certificate")
class AgencyQualification(Node):
    name: str
    certificate_no: str
    valid_until: date | None


@strawberry.type(
    description="机构状态变更（暂停、恢复）/ an agency's suspension or reinstatement (R-7.1-staff)"
)
class AgencyStatusChange(Node):
    status: AgencyStatus = strawberry.field(description="变更后的状态 / the status from then on")
    changed_at: datetime = strawberry.field(description="变更时间 / when it took effect")
    reason: str | None = strawberry.field(description="原因 / why")


@strawberry.type(description="安全生产技术服务机构 / technical service agency (3.5)")
class Agency(Node):
    credit_code: str
    name: str
    kind: AgencyKind
    status: AgencyStatus
    status_changed_at: datetime | None
    status_reason: str | None
    region: Region
    qualifications: list[AgencyQualification]
    status_history: list[AgencyStatusChange] = strawberry.field(
        description="状态变更记录（暂停期间不得承接新服务，R-7.1-staff）/ every suspension and "
        "reinstatement, by key (a suspended agency gets no new work)"
    )
    staff: list[StaffMember] = strawberry.field(description="机构人员 / agency staff")
    service_records = connection_field(
        ServiceRecordRef, "ServiceRecord", ServiceRecordFilter, "承担的服务 / assigned services"
    )


@strawberry.type(description="专业技术人员或管理人员 / expert or staff member")
class StaffMember(Node):
    kind: StaffKind
    name: str
    specialty: str | None
    qualification: str | None
    hired_on: date | None
    active: bool
    phone: str | None = strawberry.field(description="电话（个人信息）/ phone (personal)")
    id_number: str | None = strawberry.field(
        description="身份证号（个人信息）/ ID number (personal)"
    )
    withheld_fields: list[str] = strawberry.field(
        description="因权限未显示的受保护字段（R-4.2-privacy）/ protected fields withheld from you"
    )
    insurer: Insurer | None
    agency: Agency | None
    trainings: list[StaffTraining] = strawberry.field(description="培训记录 / trainings (R-7.1)")


@strawberry.type(description="人员培训记录 / staff training (R-7.1-staff)")
class StaffTraining(Node):
    trained_on: date
    topic: str
    hours: Decimal
    provider: str | None
    staff: StaffMember
    insurer: Insurer
