"""GraphQL record types and the store entities the read compiler serves them from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Served:
    entity: str  # store/repositories/graph/registry.py name
    int_key: bool = True  # integer primary key (else a code, e.g. regions and industries)


TYPES: dict[str, Served] = {
    "Region": Served("region", int_key=False),
    "Industry": Served("industry", int_key=False),
    "Insurer": Served("insurer"),
    "InsurerBranch": Served("insurer_branch"),
    "InsuredUnit": Served("insured_unit"),
    "Agency": Served("agency"),
    "AgencyQualification": Served("agency_qualification"),
    "AgencyStatusChange": Served("agency_status_change"),
    "StaffMember": Served("staff_member"),
    "StaffTraining": Served("staff_training"),
    "InsurancePolicy": Served("insurance_policy"),
    "PolicyServiceItem": Served("policy_service_item"),
    "ServiceScheme": Served("service_scheme"),
    "SchemeItem": Served("scheme_item"),
    "ServiceRecord": Served("service_record"),
    "Hazard": Served("hazard"),
    "FollowUp": Served("follow_up"),
    "UnitConfirmation": Served("unit_confirmation"),
    "Complaint": Served("complaint"),
    "FeeLedgerEntry": Served("fee_ledger_entry"),
    "AgencyContract": Served("agency_contract"),
    "AnnualEvaluation": Served("annual_evaluation"),
    "ImprovementMeasure": Served("improvement_measure"),
}

# Filter keys that take global ids, and the type those ids must name.
ID_FILTERS: dict[str, str] = {
    "insurer": "Insurer",
    "agency": "Agency",
    "unit": "InsuredUnit",
    "policy": "InsurancePolicy",
}
