"""The audit log's pure rules: canonical variables hashing, the scope summary, row counts."""

from __future__ import annotations

import hashlib

from services.audit import OperationAudit, scope_summary, variables_hash
from services.identity import PUBLIC, Identity, RoleGrant
from store.enums import Role
from store.repositories.graph.audit import RowsSeen


def test_variables_hash_is_canonical() -> None:
    assert variables_hash({"b": 1, "a": [1, "二"]}) == variables_hash({"a": [1, "二"], "b": 1})
    assert variables_hash(None) == variables_hash({}) == hashlib.sha256(b"{}").hexdigest()
    assert variables_hash({"a": 1}) != variables_hash({"a": "1"})


def test_scope_summary_names_each_grant_subject() -> None:
    identity = Identity(
        name="x",
        display_name="x",
        grants=(
            RoleGrant(role=Role.REGULATOR, region_code="440000", industry_codes=("2614",)),
            RoleGrant(role=Role.INSURER, insurer_id=3),
            RoleGrant(role=Role.UNIT, unit_id=17),
            RoleGrant(role=Role.AGENCY, agency_id=5),
            RoleGrant(role=Role.ADMIN),
        ),
    )
    assert scope_summary(identity) == (
        "regulator@jurisdiction:440000+industries:2614; insurer@tenant:3; unit@unit:17; "
        "agency@agency:5; admin"
    )
    assert scope_summary(PUBLIC) == "public"


def test_row_count_adds_rows_and_groups() -> None:
    audit = OperationAudit()
    audit.reads("ServiceRecord")(RowsSeen(keys=(1, 2), units=frozenset({9})))
    audit.reads("ServiceRecord")(RowsSeen(keys=(3,)))
    audit.aggregated(4)
    assert audit.rows == {"ServiceRecord": [1, 2, 3]}
    assert (audit.row_count, audit.units, audit.aggregate) == (7, {9}, True)
    audit.wrote("Complaint", 5)
    audit.rolled_back()
    assert audit.rows == {}
