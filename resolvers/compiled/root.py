"""The ``RecordQuery`` root part: every record type by id and as a connection."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.compiled.read import by_id_field, list_field, node_field
from schema.types import filters as f
from schema.types.parties import (
    Agency,
    Industry,
    InsuredUnit,
    Insurer,
    InsurerBranch,
    Region,
    StaffMember,
    StaffTraining,
)
from schema.types.services import (
    AgencyContract,
    AnnualEvaluation,
    Complaint,
    FeeLedgerEntry,
    FollowUp,
    Hazard,
    ImprovementMeasure,
    InsurancePolicy,
    ServiceRecord,
    ServiceScheme,
    UnitConfirmation,
)

# (singular field, plural field, type, filter, Chinese term)
_ROOTS: tuple[tuple[str, str, type, type, str], ...] = (
    ("region", "regions", Region, f.RegionFilter, "行政区划"),
    ("industry", "industries", Industry, f.IndustryFilter, "行业"),
    ("insurer", "insurers", Insurer, f.InsurerFilter, "保险机构"),
    ("insurer_branch", "insurer_branches", InsurerBranch, f.InsurerBranchFilter, "分支机构"),
    ("insured_unit", "insured_units", InsuredUnit, f.InsuredUnitFilter, "投保单位"),
    ("agency", "agencies", Agency, f.AgencyFilter, "技术服务机构"),
    ("staff_member", "staff_members", StaffMember, f.StaffMemberFilter, "专业技术人员"),
    ("staff_training", "staff_trainings", StaffTraining, f.StaffTrainingFilter, "人员培训"),
    (
        "insurance_policy",
        "insurance_policies",
        InsurancePolicy,
        f.InsurancePolicyFilter,
        "保险合同",
    ),
    ("service_scheme", "service_schemes", ServiceScheme, f.ServiceSchemeFilter, "服务方案"),
    ("service_record", "service_records", ServiceRecord, f.ServiceRecordFilter, "服务记录"),
    ("hazard", "hazards", Hazard, f.HazardFilter, "隐患"),
    ("follow_up", "follow_ups", FollowUp, f.FollowUpFilter, "回访"),
    ("unit_confirmation", "unit_confirmations", UnitConfirmation, f.UnitConfirmationFilter, "确认"),
    ("complaint", "complaints", Complaint, f.ComplaintFilter, "投诉"),
    ("fee_ledger_entry", "fee_ledger_entries", FeeLedgerEntry, f.FeeLedgerEntryFilter, "费用台账"),
    (
        "agency_contract",
        "agency_contracts",
        AgencyContract,
        f.AgencyContractFilter,
        "机构合同",
    ),
    (
        "annual_evaluation",
        "annual_evaluations",
        AnnualEvaluation,
        f.AnnualEvaluationFilter,
        "年度评估",
    ),
    (
        "improvement_measure",
        "improvement_measures",
        ImprovementMeasure,
        f.ImprovementMeasureFilter,
        "改进措施",
    ),
)


def _record_query() -> type:
    fields: dict[str, Any] = {"node": node_field}
    for one, many, type_cls, filter_type, term in _ROOTS:
        english = type_cls.__name__
        fields[one] = by_id_field(type_cls, f"{term} / one {english} by global id")
        fields[many] = list_field(
            type_cls, filter_type, f"{term}列表（键集分页）/ {english} list, keyset-paginated"
        )
    return strawberry.type(type("RecordQuery", (), fields))


RecordQuery = _record_query()

# Reachable only through ``node`` (an interface): listed so the schema includes them all.
RECORD_TYPES: list[type] = [entry[2] for entry in _ROOTS]
