"""The oracle: who may see which seeded row, decided in plain Python from the policy file's
rows and the rows' own attributes — never through the code under test.

The gateway decides through Casbin (policies/enforcer.py), the scope compiler's SQL
(policies/scope.py, the region closure table) and the compiled reads. This module reads
``policies/policy.csv`` with its own five-line parser and gives each scope kind its meaning
from DESIGN.md "Roles and scopes", over the rows themselves: a unit's region is inside a
jurisdiction when walking ``parent_code`` reaches it; a row is the tenant's when its
``insurer_id`` is; and so on. Where the two disagree, the matrix test reports the cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from tests.policies.matrix.world import Row, World

POLICY_PATH = Path(__file__).resolve().parents[3] / "policies" / "policy.csv"

Rules = dict[tuple[str, str, str], tuple[str, ...]]  # (role, resource, action) → scope kinds


def parse_policy(text: str) -> Rules:
    """``p, role, resource, action, kind`` rows; several kinds for one triple all count."""
    rules: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for line in text.splitlines():
        fields = [f.strip() for f in line.split("#", 1)[0].split(",")]
        if fields[0] == "p" and len(fields) == 5:
            rules[(fields[1], fields[2], fields[3])].append(fields[4])
    return {key: tuple(kinds) for key, kinds in rules.items()}


def default_policy() -> Rules:
    return parse_policy(POLICY_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Grant:
    role: str  # as the policy names roles; "auditor" stands for a role it does not know
    region_code: str | None = None
    industry_codes: tuple[str, ...] = ()
    insurer_id: int | None = None
    unit_id: int | None = None
    agency_id: int | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    label: str  # the name the matrix file uses
    grants: tuple[Grant, ...]
    login: str | None  # the seeded principal (its role bindings give the grants), or None
    peer: str  # whose in-scope objects it is asked for ("ids swapped between principals")
    note: str


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    why: str


# Rows that belong to another row (a hazard to its service record…): the policy names the
# child's own right, and the child is "about" whatever its parent is about.
PARENTS: dict[str, tuple[str, str]] = {
    "hazard": ("service_record", "service_record_id"),
    "follow_up": ("service_record", "service_record_id"),
    "policy_service_item": ("insurance_policy", "policy_id"),
    "scheme_item": ("service_scheme", "scheme_id"),
    "agency_qualification": ("agency", "agency_id"),
    "agency_status_change": ("agency", "agency_id"),
    "staff_training": ("staff_member", "staff_id"),
}

# The unit a row is about (for "jurisdiction" and "own_unit").
UNIT_COLUMN: dict[str, str] = {
    "insured_unit": "id",
    "insurance_policy": "unit_id",
    "service_scheme": "unit_id",
    "service_record": "unit_id",
    "complaint": "unit_id",
    "fee_ledger_entry": "unit_id",
    "unit_confirmation": "unit_id",
    "agency_contract": "unit_id",
}

# Protected columns (R-4.2-privacy) and their GraphQL names.
PROTECTED: dict[str, tuple[tuple[str, str], ...]] = {
    "insured_unit": (
        ("contact_name", "contactName"),
        ("contact_phone", "contactPhone"),
        ("business_secret_notes", "businessSecretNotes"),
    ),
    "staff_member": (("phone", "phone"), ("id_number", "idNumber")),
}


class Oracle:
    def __init__(self, world: World, rules: Rules) -> None:
        self.world = world
        self.rules = rules
        self._verdicts: dict[tuple[str, str, str, Any], Verdict] = {}
        self._visible: dict[tuple[str, str, str], list[Any]] = {}
        self._kinds: dict[tuple[Grant, str, str, Any], Verdict] = {}
        self._visible_sets: dict[tuple[str, str, str], set[Any]] = {}

    # -- the subjects a grant's scope is about ---------------------------------------------

    @cached_property
    def _insurers_of_unit(self) -> dict[int, set[int]]:
        found: dict[int, set[int]] = defaultdict(set)
        for p in self.world.rows("insurance_policy"):
            found[p["unit_id"]].add(p["insurer_id"])
        return found

    @cached_property
    def _serving_agencies(self) -> dict[int, set[int]]:
        """Unit → agencies that delivered one of its services (``agency_id``)."""
        found: dict[int, set[int]] = defaultdict(set)
        for r in self.world.rows("service_record"):
            if r["agency_id"] is not None:
                found[r["unit_id"]].add(r["agency_id"])
        return found

    @cached_property
    def _assignments(self) -> dict[int, list[Row]]:
        """Agency → service records assigned to it (as the agency or the responsible one)."""
        found: dict[int, list[Row]] = defaultdict(list)
        for r in self.world.rows("service_record"):
            for agency in {r["agency_id"], r["responsible_agency_id"]} - {None}:
                found[agency].append(r)
        return found

    def _assigned_records(self, agency: int) -> list[Row]:
        return self._assignments.get(agency, [])

    # -- scope kinds, each over one row of one resource ------------------------------------

    def _kind(
        self, kind: str, resource: str, row: Row, grant: Grant, *, memo: bool = True
    ) -> Verdict:
        if kind == "all":
            return Verdict(True, "all")
        # A kind's answer depends on the row and the grant only, not on the action or on
        # which child asks: computed once. (Not for a row a write would store: it has no key
        # of its own, and an updated row may differ from the stored one.)
        memo_key = (grant, kind, resource, row.get("id", row.get("code")))
        verdict = self._kinds.get(memo_key) if memo else None
        if verdict is None:
            check = _KINDS.get(kind)
            verdict = (
                Verdict(False, f"unknown scope kind {kind}")
                if check is None
                else check(self, resource, row, grant)
            )
            if memo:
                self._kinds[memo_key] = verdict
        return verdict

    def _jurisdiction(self, resource: str, row: Row, grant: Grant) -> Verdict:
        column = UNIT_COLUMN.get(resource)
        if column is None or grant.region_code is None:
            return Verdict(False, f"jurisdiction means nothing for {resource}")
        unit = self.world.row("insured_unit", row[column])
        assert unit is not None
        where = f"unit {unit['id']} in {unit['region_code']}"
        if not self.world.region_within(unit["region_code"], grant.region_code):
            return Verdict(False, f"{where}, outside {grant.region_code}")
        if grant.industry_codes and unit["industry_code"] not in grant.industry_codes:
            return Verdict(False, f"{where}, industry {unit['industry_code']} not in the set")
        return Verdict(True, f"{where}, inside {grant.region_code}")

    def _own_tenant(self, resource: str, row: Row, grant: Grant) -> Verdict:
        tenant = grant.insurer_id
        if resource == "insurer":
            insurers = {row["id"]}
        elif resource == "insured_unit":
            insurers = self._insurers_of_unit.get(row["id"], set())
        elif resource == "unit_confirmation":
            record = self.world.row("service_record", row["service_record_id"])
            assert record is not None
            insurers = {record["insurer_id"]}
        elif "insurer_id" in row:
            insurers = {row["insurer_id"]} - {None}
        else:
            return Verdict(False, f"own_tenant means nothing for {resource}")
        shown = ",".join(str(i) for i in sorted(insurers)) or "none"
        if tenant in insurers:
            return Verdict(True, f"insurer {shown} is the tenant")
        return Verdict(False, f"insurer {shown}, tenant is {tenant}")

    def _own_unit(self, resource: str, row: Row, grant: Grant) -> Verdict:
        unit = grant.unit_id
        if resource == "insurer":
            ok = row["id"] in self._insurers_of_unit.get(unit or 0, set())
            return Verdict(ok, f"{'insures' if ok else 'does not insure'} unit {unit}")
        if resource == "agency":
            ok = row["id"] in self._serving_agencies.get(unit or 0, set())
            return Verdict(ok, f"{'served' if ok else 'never served'} unit {unit}")
        column = UNIT_COLUMN.get(resource)
        if column is None:
            return Verdict(False, f"own_unit means nothing for {resource}")
        ok = row[column] == unit
        return Verdict(ok, f"unit {row[column]}" + ("" if ok else f", own unit is {unit}"))

    def _assigned(self, resource: str, row: Row, grant: Grant) -> Verdict:
        agency = grant.agency_id or 0
        records = self._assigned_records(agency)
        if resource == "service_record":
            ok = agency in (row["agency_id"], row["responsible_agency_id"])
            who = f"agency {row['agency_id']}/{row['responsible_agency_id']}"
        elif resource == "unit_confirmation":
            record = self.world.row("service_record", row["service_record_id"])
            assert record is not None
            ok = agency in (record["agency_id"], record["responsible_agency_id"])
            who = f"record {record['id']} of agency {record['agency_id']}"
        elif resource == "insured_unit":
            ok = any(r["unit_id"] == row["id"] for r in records)
            who = "unit served" if ok else "unit not served"
        elif resource == "insurer":
            ok = any(r["insurer_id"] == row["id"] for r in records)
            who = "insurer of assigned work" if ok else "no assigned work of this insurer"
        elif resource == "agency":
            ok, who = row["id"] == agency, f"agency {row['id']}"
        elif resource == "staff_member":
            ok, who = row["agency_id"] == agency, f"staff of agency {row['agency_id']}"
        elif resource == "agency_contract":
            ok, who = row["agency_id"] == agency, f"contract of agency {row['agency_id']}"
        else:
            return Verdict(False, f"assigned means nothing for {resource}")
        return Verdict(ok, who + ("" if ok else f", not agency {agency}'s"))

    def _status(self, resource: str, row: Row, statuses: tuple[str, ...]) -> Verdict:
        if resource != "annual_evaluation":
            return Verdict(False, f"status kinds mean nothing for {resource}")
        return Verdict(row["status"] in statuses, f"status {row['status']}")

    def _published(self, resource: str, row: Row, grant: Grant) -> Verdict:
        return self._status(resource, row, ("published",))

    def _submitted(self, resource: str, row: Row, grant: Grant) -> Verdict:
        # R-8.2-publication: submitted to the regulator, or already published.
        return self._status(resource, row, ("submitted", "published"))

    # -- decisions -------------------------------------------------------------------------

    def decide(self, who: Principal, resource: str, key: Any, action: str = "read") -> Verdict:
        """``resource`` is a table, or ``table.column`` for a protected column's right."""
        cache_key = (who.label, resource, action, key)
        verdict = self._verdicts.get(cache_key)
        if verdict is None:
            table = resource.split(".", 1)[0]
            row = self.world.row(table, key)
            assert row is not None, (resource, key)
            verdict = self._decide(who, resource, table, row, action)
            self._verdicts[cache_key] = verdict
            bulk = self._visible_sets.get((who.label, resource, action))
            assert bulk is None or verdict.ok == (key in bulk), (who.label, resource, key)
        return verdict

    def decide_row(self, who: Principal, table: str, row: Row, action: str) -> Verdict:
        """A row as a write would store it (services/write_access.py checks the stored row
        against the action's scope): decided like ``decide``, but the row need not be in the
        world. A child row (a follow-up) is judged on its parent, which must be."""
        return self._decide(who, table, table, row, action, memo=False)

    def _decide(
        self, who: Principal, name: str, table: str, row: Row, action: str, *, memo: bool = True
    ) -> Verdict:
        reasons: list[str] = []
        for grant in who.grants:
            kinds = self.rules.get((grant.role, name, action), ())
            if not kinds:
                reasons.append(f"no {action} rule for {grant.role} on {name}")
                continue
            subject_table, subject = table, row
            parent = PARENTS.get(table)
            if parent is not None:
                # The child's own rule, judged on the row it belongs to.
                found = self.world.row(parent[0], row[parent[1]])
                assert found is not None
                subject_table, subject = parent[0], found
            for kind in kinds:
                # The parent is a stored row: its verdict may be memoized even for a write.
                verdict = self._kind(
                    kind, subject_table, subject, grant, memo=memo or parent is not None
                )
                why = f"{grant.role} {kind}"
                if kind != "all":
                    of = f" ({subject_table} {subject['id']})" if parent is not None else ""
                    why += f"{of}: {verdict.why}"
                if verdict.ok:
                    return Verdict(True, why)
                reasons.append(why)
        return Verdict(False, "; ".join(reasons) or "no grant")

    def visible_keys(self, who: Principal, resource: str, action: str = "read") -> list[Any]:
        """The keys of the rows ``who`` may read (or count), in key order. The same rules as
        ``decide``, without building reasons for every row (``decide`` checks they agree)."""
        found = self._visible.get((who.label, resource, action))
        if found is not None:
            return found
        table = resource.split(".", 1)[0]
        rows = self.world.tables[table]
        parent = PARENTS.get(table)
        allowed: set[Any] = set()
        for grant in who.grants:
            kinds = self.rules.get((grant.role, resource, action), ())
            if "all" in kinds:
                allowed = set(rows)
                break
            for key, row in rows.items() if kinds else ():
                if key in allowed:
                    continue
                subject_table, subject = table, row
                if parent is not None:
                    subject_table, subject = parent[0], self.world.tables[parent[0]][row[parent[1]]]
                if any(self._kind(k, subject_table, subject, grant).ok for k in kinds):
                    allowed.add(key)
        found = [k for k in keys_sorted(rows) if k in allowed]
        self._visible[(who.label, resource, action)] = found
        self._visible_sets[(who.label, resource, action)] = allowed
        return found

    def visible_set(self, who: Principal, resource: str, action: str = "read") -> set[Any]:
        self.visible_keys(who, resource, action)
        return self._visible_sets[(who.label, resource, action)]

    def unmasked(self, who: Principal, resource: str, key: Any, column: str) -> Verdict:
        """Whether a protected column of a row is shown (R-4.2-privacy)."""
        return self.decide(who, f"{resource}.{column}", key, "read_personal")

    def withheld(self, who: Principal, resource: str) -> list[str]:
        """Protected columns no grant's policy names at all: listed in ``withheldFields``."""
        return sorted(
            graphql
            for column, graphql in PROTECTED[resource]
            if not any(
                self.rules.get((g.role, f"{resource}.{column}", "read_personal"))
                for g in who.grants
            )
        )


_KINDS: dict[str, Callable[[Oracle, str, Row, Grant], Verdict]] = {
    "jurisdiction": Oracle._jurisdiction,
    "own_tenant": Oracle._own_tenant,
    "own_unit": Oracle._own_unit,
    "assigned": Oracle._assigned,
    "published": Oracle._published,
    "submitted": Oracle._submitted,
}


def keys_sorted(keys: Iterable[Any]) -> list[Any]:
    return sorted(keys, key=lambda k: (isinstance(k, str), k))
