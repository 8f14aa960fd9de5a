"""The vocabulary of the policy: actions, scope kinds, and how each resource is anchored."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    READ = "read"
    AGGREGATE = "aggregate"  # a separate right: figures without rows
    READ_PERSONAL = "read_personal"  # unmask one personal / business-secret column


class ScopeKind(StrEnum):
    ALL = "all"
    JURISDICTION = "jurisdiction"  # units whose region lies inside the grant's region
    OWN_TENANT = "own_tenant"  # the grant's insurer
    OWN_UNIT = "own_unit"  # the grant's insured unit
    ASSIGNED = "assigned"  # work assigned to the grant's agency
    PUBLISHED = "published"  # published evaluation results
    SUBMITTED = "submitted"  # evaluations submitted to the regulator (or published)


# Rows that belong to another row: visible exactly when that row is (foreign key, parent).
CHILDREN: dict[str, tuple[str, str]] = {
    "hazard": ("service_record_id", "service_record"),
    "follow_up": ("service_record_id", "service_record"),
    "policy_service_item": ("policy_id", "insurance_policy"),
    "scheme_item": ("scheme_id", "service_scheme"),
    "agency_qualification": ("agency_id", "agency"),
    "staff_training": ("staff_id", "staff_member"),
}

# Rows about one insured unit, through this column.
UNIT_ANCHORED: dict[str, str] = {
    "insured_unit": "id",
    "insurance_policy": "unit_id",
    "service_scheme": "unit_id",
    "service_record": "unit_id",
    "complaint": "unit_id",
    "fee_ledger_entry": "unit_id",
    "unit_confirmation": "unit_id",
}
