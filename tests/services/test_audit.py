"""The audit log's pure rules: canonical variables hashing, the scope summary, row counts,
each row once and the bound on the ids an entry lists."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

import services.audit
from services.audit import (
    AuditOperationKind,
    OperationAudit,
    entry_for,
    scope_summary,
    variables_hash,
)
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


def test_nested_rows_are_listed_under_their_types_each_once() -> None:
    audit = OperationAudit()
    record = audit.reads("ServiceRecord")
    record(RowsSeen(keys=(1, 2), units=frozenset({9}), nested=(("InsuredUnit", 9), ("Hazard", 4))))
    record(RowsSeen(keys=(2,), nested=(("InsuredUnit", 9),)))  # another alias, the same rows
    assert audit.rows == {"ServiceRecord": [1, 2], "InsuredUnit": [9], "Hazard": [4]}
    assert (audit.row_count, audit.omitted) == (4, {})


def test_rows_past_the_bound_are_counted_not_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.audit, "MAX_IDS_PER_ENTRY", 3)
    audit = OperationAudit()
    nested = tuple(("Hazard", key) for key in range(10, 15))
    audit.reads("ServiceRecord")(RowsSeen(keys=(1, 2), units=frozenset({7, 8}), nested=nested))
    entry = entry_for(
        PUBLIC,
        at=datetime(2026, 6, 30, tzinfo=UTC),
        kind=AuditOperationKind.QUERY,
        operation_name=None,
        document="{ x }",
        variables=None,
        audit=audit,
    )

    assert entry.rows == {"ServiceRecord": [1, 2], "Hazard": [10]}
    assert entry.omitted == {"Hazard": 4}
    assert entry.row_count == 7  # every row returned, listed or not
    assert entry.subjects == {7, 8}  # units are never cut
    assert entry.columns()["rows"] == {
        "ServiceRecord": [1, 2],
        "Hazard": [10],
        "omitted": {"Hazard": 4},
    }
    assert entry.id_count == 3  # its weight in the writer's queue
