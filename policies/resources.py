"""The vocabulary of the policy: actions, scope kinds, and how each resource is anchored."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    READ = "read"
    AGGREGATE = "aggregate"  # a separate right: figures without rows
    READ_PERSONAL = "read_personal"  # unmask one personal / business-secret column
    # Writes: the scope kind bounds the rows the write may produce or change.
    CREATE = "create"  # a new row (a new version of a scheme is a new row)
    RECORD = "record"  # record what was done on an existing row (a service, progress)
    CONFIRM = "confirm"  # the unit confirms or disputes a record (R-6.3-archive)
    ANSWER = "answer"  # answer a complaint (R-6.4-complaint)
    REVISE = "revise"  # change a draft evaluation before it is submitted
    SUBMIT = "submit"  # submit an evaluation to the regulator (R-8.1-evaluation)
    PUBLISH = "publish"  # publish an evaluation's results (R-8.2-publication)
    # Name a row in a write without reading it (an insurer's new client): consulted, beside
    # ``read``, only for the references a write checks, never for what a read returns.
    REFER = "refer"

    @property
    def writes(self) -> bool:
        return self not in _NOT_WRITES


_NOT_WRITES = frozenset({Action.READ, Action.AGGREGATE, Action.READ_PERSONAL, Action.REFER})


class ScopeKind(StrEnum):
    ALL = "all"
    JURISDICTION = "jurisdiction"  # units whose region lies inside the grant's region
    OWN_TENANT = "own_tenant"  # the grant's insurer
    OWN_UNIT = "own_unit"  # the grant's insured unit
    ASSIGNED = "assigned"  # work assigned to the grant's agency
    PUBLISHED = "published"  # published evaluation results
    SUBMITTED = "submitted"  # evaluations submitted to the regulator (or published)


# Rows that belong to another row (foreign key, parent): the policy names the child's own
# right, and its scope kind is judged on the parent row.
CHILDREN: dict[str, tuple[str, str]] = {
    "hazard": ("service_record_id", "service_record"),
    "follow_up": ("service_record_id", "service_record"),
    "policy_service_item": ("policy_id", "insurance_policy"),
    "scheme_item": ("scheme_id", "service_scheme"),
    "agency_qualification": ("agency_id", "agency"),
    "agency_status_change": ("agency_id", "agency"),  # R-7.1-staff: its status history
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
    "archive_entry": "unit_id",  # a unit's tamper-evident archive chain (R-7.4-archive)
    "agency_contract": "unit_id",  # a hired agency's contract for the unit (R-7.4-archive)
}

# Rows about the insured units another table lists: (that table, its column naming this row,
# its unit column). An audit entry is about the units whose archive rows it returned.
UNIT_SUBJECTS: dict[str, tuple[str, str, str]] = {
    "audit_entry": ("audit_subject", "audit_entry_id", "insured_unit_id"),
}
