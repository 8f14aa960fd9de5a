"""The read surface the matrix covers, written out by hand: record types with their root
fields, and every relation field with the rows it links (read off foreign keys).

``tests/policies/test_authorization_matrix.py`` checks this against the built schema, so a
new type, root field or relation fails the test until it has cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from tests.policies.matrix.world import Row, World

Related = Callable[[World, Row], list[Any]]
Shape = Literal["one", "list", "connection"]


@dataclass(frozen=True, slots=True)
class RecordType:
    name: str  # GraphQL type
    table: str
    one: str | None  # root field by global id
    many: str | None  # root connection field


TYPES: tuple[RecordType, ...] = (
    RecordType("Region", "region", "region", "regions"),
    RecordType("Industry", "industry", "industry", "industries"),
    RecordType("Insurer", "insurer", "insurer", "insurers"),
    RecordType("InsurerBranch", "insurer_branch", "insurerBranch", "insurerBranches"),
    RecordType("InsuredUnit", "insured_unit", "insuredUnit", "insuredUnits"),
    RecordType("Agency", "agency", "agency", "agencies"),
    RecordType("AgencyQualification", "agency_qualification", None, None),
    RecordType("AgencyStatusChange", "agency_status_change", None, None),
    RecordType("StaffMember", "staff_member", "staffMember", "staffMembers"),
    RecordType("StaffTraining", "staff_training", "staffTraining", "staffTrainings"),
    RecordType("InsurancePolicy", "insurance_policy", "insurancePolicy", "insurancePolicies"),
    RecordType("PolicyServiceItem", "policy_service_item", None, None),
    RecordType("ServiceScheme", "service_scheme", "serviceScheme", "serviceSchemes"),
    RecordType("SchemeItem", "scheme_item", None, None),
    RecordType("ServiceRecord", "service_record", "serviceRecord", "serviceRecords"),
    RecordType("Hazard", "hazard", "hazard", "hazards"),
    RecordType("FollowUp", "follow_up", "followUp", "followUps"),
    RecordType("UnitConfirmation", "unit_confirmation", "unitConfirmation", "unitConfirmations"),
    RecordType("Complaint", "complaint", "complaint", "complaints"),
    RecordType("FeeLedgerEntry", "fee_ledger_entry", "feeLedgerEntry", "feeLedgerEntries"),
    RecordType("AgencyContract", "agency_contract", "agencyContract", "agencyContracts"),
    RecordType("AnnualEvaluation", "annual_evaluation", "annualEvaluation", "annualEvaluations"),
    RecordType(
        "ImprovementMeasure", "improvement_measure", "improvementMeasure", "improvementMeasures"
    ),
)
BY_NAME = {t.name: t for t in TYPES}
BY_TABLE = {t.table: t for t in TYPES}

# Root fields that read no rows: who is asking, and the standard's fixed vocabulary.
UNSCOPED_ROOTS = ("viewer", "serviceCategories")
STATS_ROOT = "stats"
NODE_ROOT = "node"


def global_id(table: str, key: Any) -> str:
    return f"{BY_TABLE[table].name}:{key}"


@dataclass(frozen=True, slots=True)
class Relation:
    type_name: str
    field: str
    target: str  # table
    shape: Shape
    related: Related

    @property
    def source(self) -> str:
        return BY_NAME[self.type_name].table

    @property
    def name(self) -> str:
        return f"{self.type_name}.{self.field}"


def _fk(column: str) -> Related:
    return lambda world, row: [] if row[column] is None else [row[column]]


def _back(table: str, column: str, local: str = "id") -> Related:
    key = "code" if table == "region" else "id"
    return lambda world, row: sorted(r[key] for r in world.by(table, column, row[local]))


def _through(link: str) -> Related:
    return lambda world, row: world.linked(link, row["id"])


def _r(type_name: str, field: str, target: str, shape: Shape, related: Related) -> Relation:
    return Relation(type_name, field, target, shape, related)


RELATIONS: tuple[Relation, ...] = (
    _r("Region", "parent", "region", "one", _fk("parent_code")),
    _r("Region", "children", "region", "list", _back("region", "parent_code", "code")),
    _r("Insurer", "branches", "insurer_branch", "list", _back("insurer_branch", "insurer_id")),
    _r(
        "Insurer",
        "evaluations",
        "annual_evaluation",
        "list",
        _back("annual_evaluation", "insurer_id"),
    ),
    _r(
        "Insurer",
        "policies",
        "insurance_policy",
        "connection",
        _back("insurance_policy", "insurer_id"),
    ),
    _r(
        "Insurer",
        "serviceRecords",
        "service_record",
        "connection",
        _back("service_record", "insurer_id"),
    ),
    _r("InsurerBranch", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("InsurerBranch", "region", "region", "one", _fk("region_code")),
    _r("InsuredUnit", "region", "region", "one", _fk("region_code")),
    _r("InsuredUnit", "industry", "industry", "one", _fk("industry_code")),
    _r(
        "InsuredUnit",
        "policies",
        "insurance_policy",
        "connection",
        _back("insurance_policy", "unit_id"),
    ),
    _r(
        "InsuredUnit",
        "serviceRecords",
        "service_record",
        "connection",
        _back("service_record", "unit_id"),
    ),
    _r("InsuredUnit", "complaints", "complaint", "connection", _back("complaint", "unit_id")),
    _r(
        "InsuredUnit",
        "ledgerEntries",
        "fee_ledger_entry",
        "connection",
        _back("fee_ledger_entry", "unit_id"),
    ),
    _r("Agency", "region", "region", "one", _fk("region_code")),
    _r(
        "Agency",
        "qualifications",
        "agency_qualification",
        "list",
        _back("agency_qualification", "agency_id"),
    ),
    _r(
        "Agency",
        "statusHistory",
        "agency_status_change",
        "list",
        _back("agency_status_change", "agency_id"),
    ),
    _r("Agency", "staff", "staff_member", "list", _back("staff_member", "agency_id")),
    _r(
        "Agency",
        "serviceRecords",
        "service_record",
        "connection",
        _back("service_record", "agency_id"),
    ),
    _r("StaffMember", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("StaffMember", "agency", "agency", "one", _fk("agency_id")),
    _r("StaffMember", "trainings", "staff_training", "list", _back("staff_training", "staff_id")),
    _r("StaffTraining", "staff", "staff_member", "one", _fk("staff_id")),
    _r("StaffTraining", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("InsurancePolicy", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("InsurancePolicy", "unit", "insured_unit", "one", _fk("unit_id")),
    _r("InsurancePolicy", "branch", "insurer_branch", "one", _fk("branch_id")),
    _r(
        "InsurancePolicy",
        "serviceItems",
        "policy_service_item",
        "list",
        _back("policy_service_item", "policy_id"),
    ),
    _r(
        "InsurancePolicy", "schemes", "service_scheme", "list", _back("service_scheme", "policy_id")
    ),
    _r(
        "InsurancePolicy",
        "serviceRecords",
        "service_record",
        "connection",
        _back("service_record", "policy_id"),
    ),
    _r(
        "InsurancePolicy",
        "ledgerEntries",
        "fee_ledger_entry",
        "connection",
        _back("fee_ledger_entry", "policy_id"),
    ),
    _r("ServiceScheme", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("ServiceScheme", "policy", "insurance_policy", "one", _fk("policy_id")),
    _r("ServiceScheme", "unit", "insured_unit", "one", _fk("unit_id")),
    _r("ServiceScheme", "agency", "agency", "one", _fk("agency_id")),
    _r("ServiceScheme", "supersedes", "service_scheme", "one", _fk("supersedes_id")),
    _r("ServiceScheme", "items", "scheme_item", "list", _back("scheme_item", "scheme_id")),
    _r("ServiceScheme", "staff", "staff_member", "list", _through("scheme_staff")),
    _r("ServiceRecord", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("ServiceRecord", "unit", "insured_unit", "one", _fk("unit_id")),
    _r("ServiceRecord", "policy", "insurance_policy", "one", _fk("policy_id")),
    _r("ServiceRecord", "scheme", "service_scheme", "one", _fk("scheme_id")),
    _r("ServiceRecord", "agency", "agency", "one", _fk("agency_id")),
    _r("ServiceRecord", "responsibleAgency", "agency", "one", _fk("responsible_agency_id")),
    _r("ServiceRecord", "hazards", "hazard", "list", _back("hazard", "service_record_id")),
    _r("ServiceRecord", "followUps", "follow_up", "list", _back("follow_up", "service_record_id")),
    _r(
        "ServiceRecord",
        "confirmations",
        "unit_confirmation",
        "list",
        _back("unit_confirmation", "service_record_id"),
    ),
    _r("ServiceRecord", "staff", "staff_member", "list", _through("service_record_staff")),
    _r("Hazard", "serviceRecord", "service_record", "one", _fk("service_record_id")),
    _r("FollowUp", "serviceRecord", "service_record", "one", _fk("service_record_id")),
    _r("FollowUp", "staff", "staff_member", "one", _fk("staff_id")),
    _r("UnitConfirmation", "serviceRecord", "service_record", "one", _fk("service_record_id")),
    _r("UnitConfirmation", "unit", "insured_unit", "one", _fk("unit_id")),
    _r("Complaint", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("Complaint", "unit", "insured_unit", "one", _fk("unit_id")),
    _r("Complaint", "serviceRecord", "service_record", "one", _fk("service_record_id")),
    _r("FeeLedgerEntry", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("FeeLedgerEntry", "unit", "insured_unit", "one", _fk("unit_id")),
    _r("FeeLedgerEntry", "policy", "insurance_policy", "one", _fk("policy_id")),
    _r("FeeLedgerEntry", "serviceRecord", "service_record", "one", _fk("service_record_id")),
    _r("FeeLedgerEntry", "corrects", "fee_ledger_entry", "one", _fk("corrects_id")),
    _r("AgencyContract", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("AgencyContract", "agency", "agency", "one", _fk("agency_id")),
    _r("AgencyContract", "unit", "insured_unit", "one", _fk("unit_id")),
    _r("AgencyContract", "policy", "insurance_policy", "one", _fk("policy_id")),
    _r("AnnualEvaluation", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("AnnualEvaluation", "supersedes", "annual_evaluation", "one", _fk("supersedes_id")),
    _r("ImprovementMeasure", "insurer", "insurer", "one", _fk("insurer_id")),
    _r("ImprovementMeasure", "evaluation", "annual_evaluation", "one", _fk("evaluation_id")),
    _r("ImprovementMeasure", "complaint", "complaint", "one", _fk("complaint_id")),
    _r("ImprovementMeasure", "followUp", "follow_up", "one", _fk("follow_up_id")),
)
RELATION_BY_NAME = {r.name: r for r in RELATIONS}
