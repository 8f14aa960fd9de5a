"""Which tables are archived, which document kind (ruleset ``[retention] documents``) each
row is, and how a row reaches its insured unit and insurer (R-7.4-archive).

Every column of an archived row is archived; a later change of the row is a new entry (the
row's next ``source_version``). Only the columns in ``MUTABLE`` ever change in the
application (a record completed, a complaint answered): the database refuses any other
update of an archived row (migration 0008), and a set-once column may only go from NULL
to a value. ``annual_evaluation`` (and its improvement measures) are an insurer's, not a
unit's: they stay out of the unit chains; they are versioned rows already (a revision is a
new row, services/annual_evaluation.py), so their history is not rewritten either.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    table: str
    kind: str  # the document kind of the ruleset's ``[retention] documents``
    # How the row reaches its unit: a column of its own, or a parent (table, foreign key).
    parent: tuple[str, str] | None = None


# Document kinds (the ruleset's ``[retention] documents``); the agency kind is decided per
# row (``kind_of``): a service done or scheme run by an agency is the agency's record.
CONTRACT = "insurance_contract"
SCHEME = "service_scheme"
MATERIAL = "service_material"
AGENCY = "agency_contracts_and_records"
LEDGER = "fee_ledger"
COMPLAINTS = "complaints"
EVALUATIONS = "evaluation_reports"

SOURCES: dict[str, Source] = {
    s.table: s
    for s in (
        Source("insurance_policy", CONTRACT),
        Source("policy_service_item", CONTRACT, ("insurance_policy", "policy_id")),
        Source("service_scheme", SCHEME),
        Source("scheme_item", SCHEME, ("service_scheme", "scheme_id")),
        Source("service_record", MATERIAL),
        Source("hazard", MATERIAL, ("service_record", "service_record_id")),
        Source("follow_up", MATERIAL, ("service_record", "service_record_id")),
        Source("unit_confirmation", MATERIAL, ("service_record", "service_record_id")),
        Source("fee_ledger_entry", LEDGER),
        Source("complaint", COMPLAINTS),
        # R-7.4-archive: the contracts of hired agencies (migration 0010), never changed.
        Source("agency_contract", AGENCY),
    )
}

# What the database lets the application change in an archived row (migration 0008 holds
# the trigger's own copy): table → (columns free to change, columns set once from NULL).
# Every other column is frozen. Each change is archived as the row's next version.
MUTABLE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # services/service_record.py completes a record; services/unit_confirmation.py sets the
    # status a decision gives; a record's description may be corrected (a new version).
    "service_record": (
        (
            "status",
            "process",
            "scheme_id",
            "category",
            "planned_on",
            "place",
            "agency_id",
            "responsible_party",
            "responsible_agency_id",
            "content",
        ),
        ("started_at", "completed_at", "organised_at"),
    ),
    # A hazard's notice and rectification may be recorded after it was found.
    "hazard": ((), ("told_at", "rectified_at")),
    # services/complaint.py answers once ("an answer is never rewritten").
    "complaint": (
        ("status",),
        (
            "answered_at",
            "answer_request",
            "answer_facts",
            "answer_measures",
            "extension_days",
            "extension_approver",
            "extension_reason",
            "extension_told_at",
        ),
    ),
}

# Tables without ``created_at`` date their rows by their parent's (the retention clock).
AGED_BY_PARENT = {t: s.parent for t, s in SOURCES.items() if s.parent is not None}


def kind_of(table: str, row: dict[str, object]) -> str:
    """The document kind of one row: agency work is filed as the agency's record."""
    source = SOURCES[table]
    if table in ("service_record", "service_scheme") and row.get("agency_id") is not None:
        return AGENCY
    return source.kind
