"""Issue 4's exhaustive authorization matrix, on SQLite and PostgreSQL.

``authorization_matrix.csv`` lists every cell: principal x operation (node, typed by id,
connection membership and totalCount, nested paths, stats, masked fields, every mutation) x
object, with the answer an independent oracle (tests/policies/matrix/oracle.py, writes.py)
expects from the policy file and the seeded rows' own attributes. Here the oracle runs again
over the seeded data: the committed file must be what it produces, and the gateway must
answer every cell as written. The write cells run last, each in a savepoint rolled back
after it, on the seeded connection itself (tests/seeded.py: no other connection may write).
"""

from __future__ import annotations

import difflib
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import cast

import pytest
from graphql import GraphQLObjectType, get_named_type
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from policies.enforcer import Decisions, default_rules
from services.identity import PUBLIC, Identity, RoleGrant
from services.principal_auth import identity_for
from store.base import Base
from store.enums import Role
from tests.policies.matrix.cells import (
    GENERATE,
    MATRIX_PATH,
    Cell,
    Matrix,
    generate,
    read_cells,
    render,
)
from tests.policies.matrix.oracle import PROTECTED, Grant, Principal, default_policy
from tests.policies.matrix.report import SUMMARY
from tests.policies.matrix.runner import Gateway, MutationRun, PrincipalRun, Readable, staged
from tests.policies.matrix.surface import BY_NAME, BY_TABLE, RELATION_BY_NAME, TYPES
from tests.policies.matrix.world import load_world
from tests.policies.matrix.writes import BY_FIELD, refs_of
from tests.resolvers.graph_helpers import SCHEMA
from tests.seeded import DEMO_SEED

# The matrix must stay exhaustive: fewer cells means a principal, type, path or mutation
# went missing.
MIN_CELLS = 3500
MIN_WRITE_CELLS = 400

# What each operation answers when nothing at all may be read or written. (Nested and masked
# cells read below an object that is then not found: the by-id cells cover them.)
DENIED = {
    "node": "not_found",
    "by_id": "not_found",
    "list": "absent",
    "total_count": "0",
    "stats_groups": "-",
    "stats": "no group",
    "mutation": "forbidden",
}


class _Unnamed(StrEnum):
    """A role outside ``Role``: what an identity with a role the policy never heard of is."""

    AUDITOR = "auditor"


@pytest.fixture(scope="module")
async def matrix(seeded: AsyncConnection) -> Matrix:
    return generate(await load_world(seeded), default_policy())


def committed() -> list[Cell]:
    return read_cells(MATRIX_PATH.read_text(encoding="utf-8"))


def _role(name: str) -> Role:
    known = {r.value for r in Role}
    return Role(name) if name in known else cast(Role, _Unnamed(name))


def _grant(g: Grant) -> RoleGrant:
    return RoleGrant(
        role=_role(g.role),
        region_code=g.region_code,
        industry_codes=g.industry_codes,
        insurer_id=g.insurer_id,
        unit_id=g.unit_id,
        agency_id=g.agency_id,
    )


async def _identity(session: AsyncSession, who: Principal) -> Identity:
    if who.label == "public":
        return PUBLIC
    if who.login is None:
        return Identity(
            name=who.label, display_name=who.note, grants=tuple(map(_grant, who.grants))
        )
    # A seeded principal as authentication builds it, from its role bindings.
    identity = await identity_for(session, who.login)
    assert identity is not None, who.login
    assert identity.grants == tuple(map(_grant, who.grants)), (identity.grants, who.grants)
    return identity


@dataclass
class Run:
    got: dict[Cell, str] = field(default_factory=dict)
    operations: int = 0
    write_seconds: float = 0.0
    refusals: Counter[str] = field(default_factory=Counter)  # how refused writes were refused


async def _run_all(
    session: AsyncSession,
    matrix: Matrix,
    cells: list[Cell],
    decisions: Decisions,
    readable: dict[str, Readable],
) -> Run:
    """Every read cell, principal by principal; then every write cell, with the staged rows
    present (they are no part of what the read cells expect)."""
    reads: dict[str, list[Cell]] = defaultdict(list)
    writes: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        (writes if cell.operation == "mutation" else reads)[cell.principal].append(cell)
    run = Run()
    gateways: dict[str, Gateway] = {}

    async def gateway(label: str) -> Gateway:
        if label not in gateways:
            identity = await _identity(session, matrix.principal(label))
            gateways[label] = Gateway(SCHEMA, session, decisions, identity)
        return gateways[label]

    for label, own in reads.items():
        principal_run = PrincipalRun(await gateway(label), matrix.oracle.world, readable[label])
        run.got |= await principal_run.run(own)
    if writes:
        began = time.perf_counter()
        # The seeded connection itself: the savepoints of the write cells must be on it.
        connection = session.bind
        assert isinstance(connection, AsyncConnection)
        seeded = matrix.oracle.world
        touched = [
            ref
            for own in writes.values()
            for cell in own
            for ref in refs_of(cell.object)
            if seeded.row(*ref) is not None
        ]
        async with staged(connection, matrix.writes.staged, seeded, touched):
            for label, own in writes.items():
                writer = MutationRun(await gateway(label), connection, matrix.writes.world)
                run.got |= await writer.run(own)
                run.refusals += writer.refusals
        run.write_seconds = time.perf_counter() - began
    run.operations = sum(g.operations for g in gateways.values())
    return run


def _mismatches(cells: list[Cell], expected: dict[Cell, str], got: dict[Cell, str]) -> list[str]:
    return [
        f"{c.describe()}: expected {expected[c]!r}, got {got.get(c, 'no answer')!r}  ({c.why})"
        for c in cells
        if got.get(c) != expected[c]
    ]


def _readable(matrix: Matrix) -> dict[str, Readable]:
    """Per principal, the rows the oracle lets it read: a listed row outside them is a leak."""
    return {p.label: partial(matrix.oracle.visible_set, p) for p in matrix.principals}


def test_the_committed_matrix_is_current(matrix: Matrix) -> None:
    """The data file is what the oracle makes of today's policy and demo data."""
    fresh = render(matrix, seed=DEMO_SEED)
    on_disk = MATRIX_PATH.read_text(encoding="utf-8")
    if fresh != on_disk:
        diff = list(
            difflib.unified_diff(on_disk.splitlines(), fresh.splitlines(), lineterm="", n=0)
        )
        shown = "\n".join(diff[:60])
        pytest.fail(f"{MATRIX_PATH.name} is stale: run `{GENERATE}` and review the diff\n{shown}")


async def test_every_cell_of_the_matrix_holds(
    demo: AsyncSession, matrix: Matrix, backend: str
) -> None:
    cells = committed()
    writes = sum(c.operation == "mutation" for c in cells)
    assert len(cells) - writes >= MIN_CELLS and writes >= MIN_WRITE_CELLS
    began, cpu = time.perf_counter(), time.process_time()
    decisions = Decisions(default_rules())
    run = await _run_all(demo, matrix, cells, decisions, _readable(matrix))
    mismatches = _mismatches(cells, {c: c.expected for c in cells}, run.got)
    refusals = ", ".join(f"{code} {n}" for code, n in sorted(run.refusals.items()))
    line = (
        f"{backend}: {len(cells)} cells checked ({len(cells) - writes} reads, {writes} "
        f"mutations) in {run.operations} operations "
        f"({time.perf_counter() - began:.1f} s, {time.process_time() - cpu:.1f} s CPU here; "
        f"mutations {run.write_seconds:.1f} s, refused as {refusals or '-'}), "
        f"{len(mismatches)} mismatches"
    )
    SUMMARY.append(line)
    print(line)
    assert not mismatches, f"{len(mismatches)} of {len(cells)} cells do not hold:\n" + "\n".join(
        mismatches[:200]
    )


async def test_an_empty_policy_denies_every_cell(
    demo: AsyncSession, matrix: Matrix, backend: str
) -> None:
    """No policy row, no access: every cell the matrix asks reads as absent, and every write
    is forbidden, for everyone."""
    cells = [c for c in committed() if c.operation in DENIED]
    nothing: dict[str, Readable] = {p.label: lambda table: set() for p in matrix.principals}
    run = await _run_all(demo, matrix, cells, Decisions([]), nothing)
    mismatches = _mismatches(cells, {c: DENIED[c.operation] for c in cells}, run.got)
    SUMMARY.append(f"{backend}: empty policy, {len(cells)} cells, {len(mismatches)} not denied")
    assert not mismatches, f"{len(mismatches)} cells leak under an empty policy:\n" + "\n".join(
        mismatches[:100]
    )


# Root query fields the matrix does not ask yet, each with its reason. A new root field must
# get cells (tests/policies/matrix/surface.py) or a line here. Mutations have no such list:
# every one must have cells (tests/policies/matrix/writes.py).
NOT_IN_MATRIX = {
    "archiveReads": "the audit log's own field, built alongside; its access has its own tests",
    "search": "needs a search index of the seeded rows (tests/search); hits' nodes are read "
    "through the same scoped node read the matrix checks",
    "findings": "scoped through each rule's tables' read scopes; covered by "
    "tests/resolvers/test_findings.py, tests/resolvers/test_findings_rules.py and "
    "tests/services/test_findings_rules.py (test_scope_of_each_role); ordered by due day "
    "(orderBy DUE_DATE), tests/resolvers/test_findings_order.py (an insurer's queue)",
    "findingScorecard": "counts of the same findings, under the same scopes; covered by "
    "tests/resolvers/test_findings_rules.py (test_scorecard_in_scope)",
    # Not a root field: listed so the reason is written down where the others are.
    "stats.groups.compliance": "the same findings under the read scope, counted by the stats' "
    "groups (the matrix's stats cells ask the aggregate figures only); covered by "
    "tests/resolvers/test_stats_compliance.py (a unit, a city's regulator, the public)",
    "unitArchive": "a unit's archive chain (R-7.4-archive), read through the archive_entry "
    "scope; regulators, insurers, units, the public and agencies are covered by "
    "tests/resolvers/test_unit_archive.py",
}


def test_the_matrix_covers_the_whole_surface() -> None:
    """Every root query field, every record type, every relation field, every protected
    column and every mutation has cells: a new one fails here until the oracle and the file
    cover it."""
    schema = SCHEMA._schema
    cells = committed()
    operations = {c.operation for c in cells}
    asked = {c.target for c in cells if c.operation in ("root", "by_id", "list", "total_count")}
    asked |= {"node"} if "node" in operations else set()
    asked |= {"stats"} if "stats_groups" in operations else set()
    assert schema.query_type is not None
    assert set(schema.query_type.fields) - asked - set(NOT_IN_MATRIX) == set()

    nodes = {
        name
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces)
    }
    assert {c.target for c in cells if c.operation == "node"} == nodes == set(BY_NAME)

    relations = {
        f"{t.name}.{name}"
        for t in TYPES
        for name, f in cast(GraphQLObjectType, schema.type_map[t.name]).fields.items()
        if isinstance(get_named_type(f.type), GraphQLObjectType)
    }
    assert relations == set(RELATION_BY_NAME)
    nested = {c.target for c in cells if c.operation in ("nested", "nested_count")}
    assert nested == relations

    protected = {
        (table.name, column.name)
        for table in Base.metadata.tables.values()
        for column in table.columns
        if "sensitivity" in column.info
    }
    assert protected == {(t, c) for t, columns in PROTECTED.items() for c, _ in columns}
    masked = {c.target for c in cells if c.operation == "masked"}
    assert masked == {f"{BY_TABLE[t].name}.{g}" for t, cols in PROTECTED.items() for _, g in cols}

    # Every mutation, each answered all three ways somewhere in the file.
    assert schema.mutation_type is not None
    mutations = set(schema.mutation_type.fields)
    assert mutations == set(BY_FIELD)
    answers: dict[str, set[str]] = {}
    for c in cells:
        if c.operation == "mutation":
            answers.setdefault(c.target, set()).add(c.expected)
    assert answers == {name: {"written", "forbidden", "refused"} for name in mutations}
    for name in mutations:  # the matrix builds one input per mutation: nothing else it takes
        args = schema.mutation_type.fields[name].args
        assert set(args) <= {"input", "idempotencyKey"}, (name, args)


def _total(cells: list[Cell], who: str, field: str) -> int:
    return int(
        next(
            c.expected
            for c in cells
            if (c.principal, c.target) == (who, field) and c.operation == "total_count"
        )
    )


def test_the_matrix_reads_as_the_design_says() -> None:
    """DESIGN.md "Roles and scopes" on the committed file: a check that the policy and the
    oracle did not drift together away from the design."""
    cells = committed()
    counts = [c for c in cells if c.operation == "total_count"]
    for who in ("admin", "unknown-role"):  # no business rows, no reference data either
        own = [c for c in cells if c.principal == who and c.operation != "root"]
        assert own and all(
            c.expected in ("not_found", "absent", "0", "-", "forbidden") for c in own
        )
    public_reads = {c.target for c in counts if c.principal == "public" and c.expected != "0"}
    assert public_reads == {"regions", "industries", "insurers", "annualEvaluations"}
    for agency in ("agency-a", "agency-b"):  # no fee or complaint data
        assert _total(cells, agency, "complaints") == _total(cells, agency, "feeLedgerEntries") == 0
    for unit in ("unit-a", "unit-b"):  # its own unit only
        assert _total(cells, unit, "insuredUnits") == 1
    insurers = _total(cells, "regulator-province", "insurers")
    assert insurers == _total(cells, "public", "insurers") > 1  # regulators: all insurers
    assert _total(cells, "insurer-a", "insurers") == 1  # an insurer: itself
    inside = [
        _total(cells, r, "serviceRecords")
        for r in ("regulator-province", "regulator-city", "regulator-county")
    ]
    assert inside == sorted(inside, reverse=True) and inside[-1] > 0  # nested jurisdictions
    staff_phones = [c for c in cells if c.operation == "masked" and c.target == "StaffMember.phone"]
    for c in staff_phones:  # R-4.2-privacy: only the employer (or the agency) sees a phone
        assert (c.expected == "unmasked") == c.principal.startswith(("insurer-", "agency-")), c

    # Writes: "an insurer writes its own data only"; a unit confirms service records and files
    # complaints; an agency records the services assigned to it; nobody else writes at all.
    writes = [c for c in cells if c.operation == "mutation"]
    written: dict[str, set[str]] = {}
    for c in writes:
        if c.expected == "written":
            written.setdefault(c.principal, set()).add(c.target)
    by_unit = {"fileComplaint", "decideOnServiceRecord"}
    assert written.pop("unit-a") == written.pop("unit-b") == by_unit
    assert written.pop("agency-a") == written.pop("agency-b") == {"completeServiceRecord"}
    by_insurer = set(BY_FIELD) - by_unit
    assert written.pop("insurer-a") == written.pop("insurer-b") == by_insurer
    assert written.pop("insurer-a+agency-b") == by_insurer
    assert written == {}  # the public, regulators, admin and an unknown role
    for c in writes:  # a single grant never writes its peer's object
        if c.why.endswith("'s]") and c.principal != "insurer-a+agency-b":
            assert c.expected != "written", c
