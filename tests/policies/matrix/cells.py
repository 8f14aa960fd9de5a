"""The matrix's cells: generated from the oracle, written to and read from the data file.

A cell is one question to the gateway with the answer the oracle expects:
(principal, operation, target, object) → expected, and why the oracle expects it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from tests.policies.matrix.oracle import PROTECTED, Oracle, Principal, Rules, keys_sorted
from tests.policies.matrix.principals import UNKNOWN_ROLE, matrix_principals
from tests.policies.matrix.stats import MEASURE_WHY, StatsOracle, StatsView
from tests.policies.matrix.surface import (
    BY_TABLE,
    RELATIONS,
    TYPES,
    Relation,
    global_id,
)
from tests.policies.matrix.world import World
from tests.policies.matrix.writes import MUTATIONS, WriteOracle, staged_summary

MATRIX_PATH = Path(__file__).resolve().parents[1] / "authorization_matrix.csv"
GENERATE = "python -m tests.policies.matrix.generate"

# operation → (what is asked, the answers it can have). Printed into the file's header.
OPERATIONS: dict[str, tuple[str, str]] = {
    "root": ("an unscoped root field (viewer, serviceCategories)", "its value"),
    "node": ("node(id: object) { id }", "visible | not_found"),
    "by_id": ("<target>(id: object) { id }", "visible | not_found"),
    "list": (
        "<target>: every page of the connection, is object among the nodes?",
        "listed | absent",
    ),
    "total_count": (
        "<target> { totalCount }, and every page lists exactly that many readable rows",
        "a count",
    ),
    "nested": (
        "a relation of a readable object: to-one gives the target's id, to-many whether the "
        "second id is among the items",
        "an id | null | listed | absent",
    ),
    "nested_count": ("how many items a to-many relation of object lists", "a count"),
    "masked": (
        "a protected column by id (R-4.2-privacy)",
        "unmasked (the stored value) | masked (null)",
    ),
    "masked_nested": ("the same column reached through a service record", "unmasked | masked"),
    "withheld": ("withheldFields of object", "the names, or -"),
    "stats_groups": ("stats(<target>): the groups returned", "group keys, or -"),
    "stats": ("stats(<target>): one measure of one group (object = group measure)", "a number"),
    "mutation": (
        "<target>(input: valid for object) in a savepoint rolled back after the cell "
        "(tests/policies/matrix/writes.py builds the input)",
        "written (the success type) | forbidden (Forbidden FORBIDDEN: no policy row for the "
        "action) | refused (outside the scope: UNKNOWN_REFERENCE, NOT_FOUND or OUT_OF_SCOPE, "
        "whichever the service meets first)",
    ),
}


@dataclass(frozen=True, slots=True)
class Cell:
    principal: str
    operation: str
    target: str
    object: str
    expected: str
    why: str

    def describe(self) -> str:
        return f"{self.principal} · {self.operation} {self.target} {self.object}"


COLUMNS = [f.name for f in fields(Cell)]


@dataclass
class Matrix:
    principals: list[Principal]
    cells: list[Cell]
    oracle: Oracle
    writes: WriteOracle  # the write cells' oracle, over the seeded and the staged rows

    def principal(self, label: str) -> Principal:
        return next(p for p in self.principals if p.label == label)


# -- generation ----------------------------------------------------------------------------


def generate(world: World, rules: Rules) -> Matrix:
    oracle = Oracle(world, rules)
    principals = matrix_principals(world)
    by_label = {p.label: p for p in principals}
    stats = StatsOracle(oracle)
    writes = WriteOracle(world, rules, principals)
    cells: list[Cell] = []
    for who in principals:
        cells += _root_cells(who)
        cells += _record_cells(oracle, who, by_label[who.peer])
        cells += _nested_cells(oracle, who)
        cells += _masked_cells(oracle, who)
        cells += _stats_cells(stats, who, by_label)
        cells += _mutation_cells(writes, who, by_label[who.peer])
    return Matrix(principals, cells, oracle, writes)


def _cell(who: Principal, operation: str, target: str, obj: str, expected: Any, why: str) -> Cell:
    return Cell(who.label, operation, target, obj, str(expected), why)


def _root_cells(who: Principal) -> Iterator[Cell]:
    roles = [g.role for g in who.grants]
    if UNKNOWN_ROLE not in roles:  # an unknown role has no ``Role`` value to show
        shown = ",".join(role.upper() for role in roles)
        yield _cell(who, "root", "viewer", "-", f"roles={shown}", "who is asking, as authenticated")
    yield _cell(who, "root", "serviceCategories", "-", "6", "the standard's vocabulary, no rows")


def _picks(oracle: Oracle, who: Principal, peer: Principal, table: str) -> list[tuple[Any, str]]:
    """A few objects: the first readable, the first not readable, and the first the peer
    reads but ``who`` does not (its id swapped in)."""
    inside = oracle.visible_keys(who, table)
    visible = set(inside)
    keys = keys_sorted(oracle.world.tables[table])
    outside = [k for k in keys if k not in visible]
    picks: list[tuple[Any, str]] = []
    if inside:
        picks.append((inside[0], ""))
    if outside:
        picks.append((outside[0], ""))
    peers = set(oracle.visible_keys(peer, table)) - visible
    swapped = next((k for k in keys if k in peers), None)
    if swapped is not None:
        picks.append((swapped, f" [{peer.label}'s]"))
    unique: dict[Any, str] = {}
    for key, note in picks:
        unique.setdefault(key, note)
    return list(unique.items())


def _record_cells(oracle: Oracle, who: Principal, peer: Principal) -> Iterator[Cell]:
    for t in TYPES:
        for key, note in _picks(oracle, who, peer, t.table):
            verdict = oracle.decide(who, t.table, key)
            gid, why = global_id(t.table, key), verdict.why + note
            yield _cell(who, "node", t.name, gid, "visible" if verdict.ok else "not_found", why)
            if t.one:
                yield _cell(who, "by_id", t.one, gid, "visible" if verdict.ok else "not_found", why)
            if t.many:
                yield _cell(who, "list", t.many, gid, "listed" if verdict.ok else "absent", why)
        if t.many:
            total = len(oracle.world.tables[t.table])
            count = len(oracle.visible_keys(who, t.table))
            yield _cell(who, "total_count", t.many, "-", count, f"{count} of {total} rows readable")


def _nested_cells(oracle: Oracle, who: Principal) -> Iterator[Cell]:
    for relation in RELATIONS:
        sources = oracle.visible_keys(who, relation.source)
        if relation.shape == "one":
            yield from _to_one(oracle, who, relation, sources)
        else:
            yield from _to_many(oracle, who, relation, sources)


def _to_one(oracle: Oracle, who: Principal, rel: Relation, sources: list[Any]) -> Iterator[Cell]:
    """One source whose target is readable and one whose target is not, where they exist."""
    visible = oracle.visible_set(who, rel.target)
    found: dict[bool, tuple[Any, Any]] = {}
    for key in sources:
        row = oracle.world.row(rel.source, key)
        assert row is not None
        for target in rel.related(oracle.world, row):
            found.setdefault(target in visible, (key, target))
        if len(found) == 2:
            break
    for ok in (True, False):
        if ok in found:
            key, target = found[ok]
            tid = global_id(rel.target, target)
            why = f"{tid}: {oracle.decide(who, rel.target, target).why}"
            gid = global_id(rel.source, key)
            yield _cell(who, "nested", rel.name, gid, tid if ok else "null", why)


def _to_many(oracle: Oracle, who: Principal, rel: Relation, sources: list[Any]) -> Iterator[Cell]:
    """The source whose items mix readable and unreadable rows (else the one with most)."""
    visible = oracle.visible_set(who, rel.target)
    best: tuple[tuple[int, int, int], Any, list[Any]] | None = None
    for i, key in enumerate(sources):
        row = oracle.world.row(rel.source, key)
        assert row is not None
        related = rel.related(oracle.world, row)
        count = sum(t in visible for t in related)
        score = (0 if 0 < count < len(related) else 1, -len(related), i)
        if best is None or score < best[0]:
            best = (score, key, related)
    if best is None:
        return
    _, key, related = best
    gid = global_id(rel.source, key)
    verdicts = [(t, oracle.decide(who, rel.target, t)) for t in related]
    readable = [(t, v) for t, v in verdicts if v.ok]
    unreadable = [(t, v) for t, v in verdicts if not v.ok]
    why = f"{len(readable)} of {len(related)} linked rows readable"
    yield _cell(who, "nested_count", rel.name, gid, len(readable), why)
    shown = readable[:2] + unreadable[:2]
    for target, verdict in shown:
        obj = f"{gid} {global_id(rel.target, target)}"
        expected = "listed" if verdict.ok else "absent"
        yield _cell(who, "nested", rel.name, obj, expected, verdict.why)


def _complete(oracle: Oracle, table: str, key: Any) -> bool:
    """Every protected column holds a value, so masked (null) and shown can be told apart."""
    row = oracle.world.row(table, key)
    return row is not None and all(row[c] is not None for c, _ in PROTECTED[table])


def _masked_cells(oracle: Oracle, who: Principal) -> Iterator[Cell]:
    for table, columns in PROTECTED.items():
        t = BY_TABLE[table]
        keys = [
            k for k in keys_sorted(oracle.visible_keys(who, table)) if _complete(oracle, table, k)
        ]
        for key in dict.fromkeys(keys[:1] + keys[-1:]):
            gid = global_id(table, key)
            for column, graphql in columns:
                verdict = oracle.unmasked(who, table, key, column)
                expected = "unmasked" if verdict.ok else "masked"
                yield _cell(who, "masked", f"{t.name}.{graphql}", gid, expected, verdict.why)
            withheld = " ".join(oracle.withheld(who, table)) or "-"
            why = "columns no grant's policy names"
            yield _cell(who, "withheld", t.name, gid, withheld, why)
    yield from _masked_through_records(oracle, who)


def _masked_through_records(oracle: Oracle, who: Principal) -> Iterator[Cell]:
    """The same columns reached by another route: a readable service record's unit, staff."""
    routes = (("unit", "insured_unit"), ("staff", "staff_member"))
    world = oracle.world
    for field, table in routes:
        for record in oracle.visible_keys(who, "service_record"):
            row = world.row("service_record", record)
            assert row is not None
            targets = (
                [row["unit_id"]]
                if field == "unit"
                else world.linked("service_record_staff", record)
            )
            target = next(
                (
                    k
                    for k in targets
                    if oracle.decide(who, table, k).ok and _complete(oracle, table, k)
                ),
                None,
            )
            if target is None:
                continue
            obj = f"{global_id('service_record', record)} {global_id(table, target)}"
            for column, graphql in PROTECTED[table]:
                verdict = oracle.unmasked(who, table, target, column)
                expected = "unmasked" if verdict.ok else "masked"
                name = f"ServiceRecord.{field}.{graphql}"
                yield _cell(who, "masked_nested", name, obj, expected, verdict.why)
            break


def stats_views(world: World, who: Principal, by_label: dict[str, Principal]) -> list[StatsView]:
    """Every principal: by insurer. Regulators: by region at their own level, and filtered
    to the region of their peer. Insurers: by province, and filtered to the other insurer.
    (Each call costs a heavy statement; these cover scope, grouping and swapped filters.)"""
    few = ("unitsCovered", "services.delivered", "complaints.filed")
    views = [StatsView("INSURER")]
    region = next((g.region_code for g in who.grants if g.role == "regulator"), None)
    if region is not None:
        own = world.row("region", region)
        assert own is not None
        # A province's figures by city; a city's by city (one group); a county's by county.
        level = "COUNTY" if own["level"] == "county" else "CITY"
        peer = next(g.region_code for g in by_label[who.peer].grants if g.role == "regulator")
        views.append(StatsView("REGION", level, measures=few))
        views.append(StatsView("REGION", level, region=peer, measures=few))
    tenants = [g.insurer_id for g in who.grants if g.insurer_id is not None]
    if tenants:
        a = by_label["insurer-a"].grants[0].insurer_id
        b = by_label["insurer-b"].grants[0].insurer_id
        other = b if a in tenants else a
        assert other is not None
        views.append(StatsView("REGION", "PROVINCE", measures=few))
        views.append(StatsView("INSURER", insurers=(other,), measures=few))
    return views


def _region_key(key: str) -> tuple[int, str]:
    return (int(key.split(":", 1)[1]), "") if key.startswith("Insurer:") else (0, key)


def _stats_cells(
    stats: StatsOracle, who: Principal, by_label: dict[str, Principal]
) -> Iterator[Cell]:
    for view in stats_views(stats.world, who, by_label):
        groups = stats.compute(who, view)
        keys = sorted(groups, key=_region_key)
        why = "groups holding a row the aggregate right counts"
        yield _cell(who, "stats_groups", view.name, "-", " ".join(keys) or "-", why)
        for key in keys:
            for measure, value in groups[key].items():
                why = MEASURE_WHY[measure]
                yield _cell(who, "stats", view.name, f"{key} {measure}", value, why)


def _mutation_cells(writes: WriteOracle, who: Principal, peer: Principal) -> Iterator[Cell]:
    for mutation in MUTATIONS:
        for target, note in writes.picks(who, peer, mutation):
            outcome = writes.outcome(who, mutation, target.refs)
            why = outcome.why + note
            yield _cell(who, "mutation", mutation.field, target.object, outcome.expected, why)


# -- the data file -------------------------------------------------------------------------


def render(matrix: Matrix, *, seed: int) -> str:
    out = io.StringIO()
    head = [
        "Authorization matrix (issue 4): every principal x every read field and record type x",
        "objects inside and outside its scope (ids swapped between peers), nested paths,",
        "totalCount, stats aggregates and masked fields; and every principal x every mutation x",
        "objects inside and outside its write scope (ids swapped between peers).",
        f"GENERATED by `{GENERATE}` from the demo data (seed {seed}) and",
        "policies/policy.csv by an oracle that does not use the code under test",
        "(tests/policies/matrix/oracle.py). tests/policies/test_authorization_matrix.py runs",
        "every row and fails when this file is stale. Do not edit by hand.",
        "",
        "principals (label, seeded login or synthetic, peer whose ids it is asked for):",
    ]
    for p in matrix.principals:
        head.append(f"  {p.label:<20} {p.login or '(synthetic)':<24} peer {p.peer:<20} {p.note}")
    head += ["", "operations:"]
    for name, (asks, answers) in OPERATIONS.items():
        head.append(f"  {name:<14} {asks} -> {answers}")
    head += [
        "",
        "write cells, per principal x mutation and variant of it: the first object it may",
        "write, the first it may not though it reads it, the first it does not read, and its",
        "peer's first (swapped). Each input is valid for its object, so only authorization",
        "can refuse it. Not covered here: inputs name the references a mutation requires and",
        "no optional one (a policy's branch; a record's scheme, agencies and staff; the",
        "service record of a complaint or ledger entry; a corrected ledger entry; an",
        "evaluation or follow-up as a measure's source), and no idempotency key. Rows staged",
        "for the write cells only (the demo data has no current draft or submitted report of",
        "these insurers), inserted in a savepoint rolled back after them:",
    ]
    head += [f"  {line}" for line in staged_summary(matrix.writes.staged)] or ["  (none)"]
    for line in head:
        out.write(f"# {line}".rstrip() + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for cell in matrix.cells:
        writer.writerow([getattr(cell, c) for c in COLUMNS])
    return out.getvalue()


def read_cells(text: str) -> list[Cell]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(body))
    assert reader.fieldnames == COLUMNS, reader.fieldnames
    return [Cell(**row) for row in reader]
