"""Filter and order inputs of the read API: how regulators and insurers ask.

Region filters take a GB/T 2260 code and include everything below it (the hierarchy is data,
not digits). Id lists take global ids. Date ranges are half-open: [from, to).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from schema.types.common import SortDirection
from schema.vocabulary import (
    AgencyKind,
    AgencyStatus,
    ComplaintStatus,
    ConfirmationDecision,
    EvaluationStatus,
    FollowUpMethod,
    ImprovementSource,
    ImprovementStatus,
    LedgerEntryKind,
    RegionLevel,
    ServiceCategory,
    ServiceStatus,
    StaffKind,
)

_REGION = "辖区代码，含下级 / jurisdiction code, everything below it included"


def _order(name: str, sort_enum: type[Enum]) -> type:
    # Built with real annotation objects: this module's annotations are strings.
    namespace = {
        "__annotations__": {"field": sort_enum, "direction": SortDirection},
        "field": strawberry.field(default=sort_enum["ID"], description="排序键 / sort key"),
        "direction": SortDirection.ASC,
    }
    return strawberry.input(
        type(f"{name}Order", (), namespace),
        name=f"{name}Order",
        description=f"排序（相同时按 ID）/ ordering of {name}, ties broken by id",
    )


@strawberry.enum(description="区划排序 / region sort keys")
class RegionSort(Enum):
    ID = "id"


@strawberry.input(description="区划筛选 / region filter")
class RegionFilter:
    within: str | None = strawberry.field(default=None, description=_REGION)
    level: list[RegionLevel] | None = None
    parent: str | None = strawberry.field(default=None, description="上级代码 / parent code")


@strawberry.enum(description="行业排序 / industry sort keys")
class IndustrySort(Enum):
    ID = "id"


@strawberry.input(description="行业筛选 / industry filter")
class IndustryFilter:
    high_risk: bool | None = strawberry.field(
        default=None, description="仅高危行业 / high-risk industries only (R-5.1-annual)"
    )


@strawberry.enum(description="保险机构排序 / insurer sort keys")
class InsurerSort(Enum):
    ID = "id"
    CODE = "code"


@strawberry.input(description="保险机构筛选 / insurer filter")
class InsurerFilter:
    code: list[str] | None = None


@strawberry.enum(description="投保单位排序 / insured unit sort keys")
class InsuredUnitSort(Enum):
    ID = "id"
    NAME = "name"


@strawberry.input(description="投保单位筛选 / insured unit filter")
class InsuredUnitFilter:
    region: str | None = strawberry.field(default=None, description=_REGION)
    industry: list[str] | None = None
    credit_code: str | None = None
    above_designated_size: bool | None = None
    insurer: list[strawberry.ID] | None = None


@strawberry.enum(description="技术服务机构排序 / agency sort keys")
class AgencySort(Enum):
    ID = "id"
    NAME = "name"


@strawberry.input(description="技术服务机构筛选 / agency filter")
class AgencyFilter:
    kind: list[AgencyKind] | None = None
    status: list[AgencyStatus] | None = None
    region: str | None = strawberry.field(default=None, description=_REGION)


@strawberry.enum(description="人员排序 / staff sort keys")
class StaffMemberSort(Enum):
    ID = "id"


@strawberry.input(description="人员筛选 / staff filter")
class StaffMemberFilter:
    kind: list[StaffKind] | None = None
    insurer: list[strawberry.ID] | None = None
    agency: list[strawberry.ID] | None = None
    active: bool | None = None


@strawberry.enum(description="培训记录排序 / training sort keys")
class StaffTrainingSort(Enum):
    ID = "id"
    TRAINED_ON = "trained_on"


@strawberry.input(description="培训记录筛选 / training filter (R-7.1-staff)")
class StaffTrainingFilter:
    insurer: list[strawberry.ID] | None = None
    trained_from: date | None = None
    trained_to: date | None = None


@strawberry.input(description="按投保单位筛选的公共字段 / filters through the insured unit")
class _UnitScoped:
    region: str | None = strawberry.field(default=None, description=_REGION)
    industry: list[str] | None = None
    unit_credit_code: str | None = None
    unit: list[strawberry.ID] | None = None
    insurer: list[strawberry.ID] | None = None


@strawberry.enum(description="保单排序 / policy sort keys")
class InsurancePolicySort(Enum):
    ID = "id"
    PERIOD_START = "period_start"


@strawberry.input(description="保单筛选 / policy filter")
class InsurancePolicyFilter(_UnitScoped):
    active_on: date | None = strawberry.field(
        default=None, description="在该日有效 / in force on that day"
    )


@strawberry.enum(description="服务方案排序 / scheme sort keys")
class ServiceSchemeSort(Enum):
    ID = "id"
    AGREED_AT = "agreed_at"


@strawberry.input(description="服务方案筛选 / scheme filter (R-6.1-scheme)")
class ServiceSchemeFilter(_UnitScoped):
    policy: list[strawberry.ID] | None = None


@strawberry.enum(description="服务记录排序 / service record sort keys")
class ServiceRecordSort(Enum):
    ID = "id"
    COMPLETED_AT = "completed_at"
    PLANNED_ON = "planned_on"


@strawberry.input(description="服务记录筛选 / service record filter")
class ServiceRecordFilter(_UnitScoped):
    agency: list[strawberry.ID] | None = None
    policy: list[strawberry.ID] | None = None
    category: list[ServiceCategory] | None = None
    status: list[ServiceStatus] | None = None
    completed_from: datetime | None = None
    completed_to: datetime | None = None
    planned_from: date | None = None
    planned_to: date | None = None
    untold_major_hazard: bool | None = strawberry.field(
        default=None,
        description="发现重大事故隐患而未告知 / a major hazard the unit was not told of "
        "(R-6.2-major-hazard)",
    )


@strawberry.enum(description="隐患排序 / hazard sort keys")
class HazardSort(Enum):
    ID = "id"


@strawberry.input(description="隐患筛选 / hazard filter")
class HazardFilter:
    is_major: bool | None = None
    untold: bool | None = None
    found_from: datetime | None = None
    found_to: datetime | None = None


@strawberry.enum(description="回访排序 / follow-up sort keys")
class FollowUpSort(Enum):
    ID = "id"
    VISITED_AT = "visited_at"


@strawberry.input(description="回访筛选 / follow-up filter (R-6.3-followup)")
class FollowUpFilter:
    method: list[FollowUpMethod] | None = None
    satisfaction: list[int] | None = None


@strawberry.enum(description="确认排序 / confirmation sort keys")
class UnitConfirmationSort(Enum):
    ID = "id"


@strawberry.input(description="确认筛选 / confirmation filter (R-6.3-archive)")
class UnitConfirmationFilter:
    decision: list[ConfirmationDecision] | None = None


@strawberry.enum(description="投诉排序 / complaint sort keys")
class ComplaintSort(Enum):
    ID = "id"
    FILED_AT = "filed_at"


@strawberry.input(description="投诉筛选 / complaint filter (R-6.4-complaint)")
class ComplaintFilter(_UnitScoped):
    status: list[ComplaintStatus] | None = None
    unanswered: bool | None = None
    needs_verification: bool | None = None
    filed_from: datetime | None = None
    filed_to: datetime | None = None


@strawberry.enum(description="台账排序 / ledger sort keys")
class FeeLedgerEntrySort(Enum):
    ID = "id"
    OCCURRED_ON = "occurred_on"


@strawberry.input(description="台账筛选 / ledger filter (R-7.3-ledger)")
class FeeLedgerEntryFilter(_UnitScoped):
    policy: list[strawberry.ID] | None = None
    kind: list[LedgerEntryKind] | None = None
    occurred_from: date | None = None
    occurred_to: date | None = None


@strawberry.enum(description="机构合同排序 / agency contract sort keys")
class AgencyContractSort(Enum):
    ID = "id"
    SIGNED_ON = "signed_on"


@strawberry.input(description="机构合同筛选 / agency contract filter (R-7.4-archive)")
class AgencyContractFilter(_UnitScoped):
    agency: list[strawberry.ID] | None = None
    policy: list[strawberry.ID] | None = None


@strawberry.enum(description="年度评估排序 / evaluation sort keys")
class AnnualEvaluationSort(Enum):
    ID = "id"
    YEAR = "year"


@strawberry.input(description="年度评估筛选 / evaluation filter (R-8.1, R-8.2)")
class AnnualEvaluationFilter:
    insurer: list[strawberry.ID] | None = None
    year: list[int] | None = None
    status: list[EvaluationStatus] | None = None


@strawberry.enum(description="改进措施排序 / improvement sort keys")
class ImprovementMeasureSort(Enum):
    ID = "id"
    DUE_ON = "due_on"


@strawberry.input(description="改进措施筛选 / improvement filter (R-8.3-improvement)")
class ImprovementMeasureFilter:
    insurer: list[strawberry.ID] | None = None
    source: list[ImprovementSource] | None = None
    status: list[ImprovementStatus] | None = None


@strawberry.enum(description="分支机构排序 / branch sort keys")
class InsurerBranchSort(Enum):
    ID = "id"


@strawberry.input(description="分支机构筛选 / branch filter")
class InsurerBranchFilter:
    insurer: list[strawberry.ID] | None = None
    region: str | None = strawberry.field(default=None, description=_REGION)


ORDERS: dict[str, type] = {
    name: _order(name, sort)
    for name, sort in {
        "Region": RegionSort,
        "Industry": IndustrySort,
        "Insurer": InsurerSort,
        "InsurerBranch": InsurerBranchSort,
        "InsuredUnit": InsuredUnitSort,
        "Agency": AgencySort,
        "StaffMember": StaffMemberSort,
        "StaffTraining": StaffTrainingSort,
        "InsurancePolicy": InsurancePolicySort,
        "ServiceScheme": ServiceSchemeSort,
        "ServiceRecord": ServiceRecordSort,
        "Hazard": HazardSort,
        "FollowUp": FollowUpSort,
        "UnitConfirmation": UnitConfirmationSort,
        "Complaint": ComplaintSort,
        "FeeLedgerEntry": FeeLedgerEntrySort,
        "AgencyContract": AgencyContractSort,
        "AnnualEvaluation": AnnualEvaluationSort,
        "ImprovementMeasure": ImprovementMeasureSort,
    }.items()
}
