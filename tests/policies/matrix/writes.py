"""The matrix's write cells (issue 4): every principal x every mutation x objects inside and
outside its write scope, with the answer decided from ``policies/policy.csv`` and the rows
themselves, never by the code under test.

services/write_access.py authorizes a write in three steps; the oracle restates them over
plain rows:

1. no grant of the principal has a policy row for (resource, action): ``forbidden``;
2. a row the write looks up (what the input names, and what the service reads for it) that
   the principal can neither ``read`` nor ``refer`` to: ``refused`` (the service answers as
   for a missing row: UNKNOWN_REFERENCE or NOT_FOUND);
3. the row as the write would store it lies outside the action's scope kinds: ``refused``
   (OUT_OF_SCOPE, rolled back);

otherwise ``written``. Each mutation below states which rows its service looks up and which
row it stores (read off services/*.py), which targets an input can be valid for (a planned
record to complete, an open complaint to answer…) and builds that input, in the shapes of
tests/resolvers/mutations/inputs.py. The inputs are valid for their target, so authorization
is the only reason a cell can be refused; refused input is the mutation tests' business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from typing import Any

from services.annual_evaluation import SECTIONS as REPORT_SECTIONS
from store.base import Base
from tests.policies.matrix.oracle import Oracle, Principal, Rules, keys_sorted
from tests.policies.matrix.surface import BY_NAME, global_id
from tests.policies.matrix.world import Row, World
from tests.resolvers.mutations.inputs import SECTIONS

Ref = tuple[str, Any]  # (table, key)
Refs = tuple[Ref, ...]
Input = dict[str, Any]

# Instants after everything the demo data holds, so that no input is refused for its order
# (a follow-up before the service ended, an answer before the complaint…).
LATER = "2030-03-01T09:00:00+08:00"
LATER_END = "2030-03-01T16:00:00+08:00"
EVALUATION_YEAR = 2030  # createEvaluation's year: no report of it is seeded or staged
# Staged rows' keys: far above the demo's, so a key a write takes never meets one of them.
STAGED_FROM = 1_000_001
STAGED_NOTE = "matrix: staged for the write cells"


@dataclass(frozen=True, slots=True)
class Target:
    """What one write cell is about: the rows its input names, shown as the cell's object."""

    refs: Refs
    primary: int = 0  # which of ``refs`` the object is about (read or not by the principal)
    kind: str = ""  # a variant of the mutation, picked on its own (createPolicy: new client)

    @property
    def object(self) -> str:
        return " ".join(global_id(table, key) for table, key in self.refs)

    @property
    def about(self) -> Ref:
        return self.refs[self.primary]


def refs_of(obj: str) -> Refs:
    """A cell's object back into rows: ``Insurer:1 InsuredUnit:5``."""
    found = []
    for gid in obj.split(" "):
        type_name, key = gid.split(":", 1)
        found.append((BY_NAME[type_name].table, int(key)))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Mutation:
    field: str
    resource: str  # the policy's resource: the table ``write_outcome`` is called with
    action: str
    targets: Callable[[World], list[Target]]  # every valid target, in key order
    looks_up: Callable[[World, Refs], list[Ref]]  # every row the service reads for it
    stores: Callable[[World, Refs], Row]  # the row as the write leaves it
    input: Callable[[World, Refs], Input]


def _row(world: World, ref: Ref) -> Row:
    row = world.row(*ref)
    assert row is not None, ref
    return row


def _gid(ref: Ref) -> str:
    return global_id(*ref)


def _staff_of(world: World, insurer: int) -> int:
    """An expert of the insurer, for a scheme's staff (any staff member would be valid: the
    insurers' policy lets them ``refer`` to every one)."""
    own = [int(s["id"]) for s in world.by("staff_member", "insurer_id", insurer)]
    return min(own) if own else int(min(world.tables["staff_member"]))


def _latest(world: World, table: str, group: tuple[str, ...]) -> list[Row]:
    """The current version of each versioned row (a scheme per policy, a report per insurer
    and year): only these may be revised, submitted or published."""
    best: dict[tuple[Any, ...], Row] = {}
    for row in world.rows(table):
        key = tuple(row[c] for c in group)
        if key not in best or row["version"] > best[key]["version"]:
            best[key] = row
    return sorted(best.values(), key=lambda r: r["id"])


def _keys(world: World, table: str, keep: Callable[[Row], bool] = lambda r: True) -> list[Any]:
    return [k for k in keys_sorted(world.tables[table]) if keep(world.tables[table][k])]


def _each(table: str, keys: list[Any]) -> list[Target]:
    return [Target(((table, k),)) for k in keys]


def _named(world: World, refs: Refs) -> list[Ref]:
    return list(refs)


# -- the seventeen mutations ------------------------------------------------------------------


def _policy_targets(world: World) -> list[Target]:
    clients = sorted({(p["insurer_id"], p["unit_id"]) for p in world.rows("insurance_policy")})
    taken = set(clients)
    newcomers = [
        (i, u)
        for i in keys_sorted(world.tables["insurer"])
        for u in keys_sorted(world.tables["insured_unit"])
        if (i, u) not in taken
    ]
    return [
        Target((("insurer", i), ("insured_unit", u)), primary=1, kind=kind)
        for kind, pairs in (("its client", clients), ("a new client", newcomers))
        for i, u in pairs
    ]


def _policy_stores(world: World, refs: Refs) -> Row:
    (_, insurer), (_, unit) = refs
    return {"insurer_id": insurer, "unit_id": unit}


def _policy_input(world: World, refs: Refs) -> Input:
    (_, insurer), (_, unit) = refs
    return {
        "insurerId": _gid(refs[0]),
        "unitId": _gid(refs[1]),
        "policyNo": f"MATRIX-{insurer}-{unit}",
        "periodStart": "2030-01-01",
        "periodEnd": "2031-01-01",
        "premium": "48000.00",
        "preventionFeeRatio": "0.2",
        "items": [{"category": "HAZARD_INVESTIGATION", "frequencyPerYear": 2}],
    }


def _scheme_content(staff: int) -> Input:
    return {
        "items": [{"category": "HAZARD_INVESTIGATION", "frequencyPerYear": 2}],
        "timeLimits": "每半年一次，每次两个工作日内完成",
        "staffIds": [global_id("staff_member", staff)],
        "budget": "9600.00",
        "expectedEffect": "重大隐患清零",
        "guarantees": "专家团队驻点",
        "liabilityTerms": "由保险机构承担服务责任",
        "complaintArbitration": "向仲裁委员会申请仲裁",
        "agreedAt": LATER,
    }


def _parties(row: Row) -> Row:
    return {"insurer_id": row["insurer_id"], "unit_id": row["unit_id"]}


def _scheme_targets(world: World) -> list[Target]:
    schemed = {s["policy_id"] for s in world.rows("service_scheme")}
    return _each(
        "insurance_policy", _keys(world, "insurance_policy", lambda p: p["id"] not in schemed)
    )


def _scheme_looks_up(world: World, refs: Refs) -> list[Ref]:
    policy = _row(world, refs[0])
    return [refs[0], ("staff_member", _staff_of(world, policy["insurer_id"]))]


def _scheme_stores(world: World, refs: Refs) -> Row:
    policy = _row(world, refs[0])
    return _parties(policy) | {"policy_id": policy["id"]}


def _scheme_input(world: World, refs: Refs) -> Input:
    policy = _row(world, refs[0])
    return {"policyId": _gid(refs[0]), **_scheme_content(_staff_of(world, policy["insurer_id"]))}


def _revision_targets(world: World) -> list[Target]:
    return _each(
        "service_scheme", [s["id"] for s in _latest(world, "service_scheme", ("policy_id",))]
    )


def _revision_looks_up(world: World, refs: Refs) -> list[Ref]:
    scheme = _row(world, refs[0])
    staff = _staff_of(world, scheme["insurer_id"])
    # The service reads the superseded version, then its policy for the new version's parties.
    return [refs[0], ("insurance_policy", scheme["policy_id"]), ("staff_member", staff)]


def _revision_stores(world: World, refs: Refs) -> Row:
    scheme = _row(world, refs[0])
    return _parties(scheme) | {"policy_id": scheme["policy_id"]}


def _revision_input(world: World, refs: Refs) -> Input:
    scheme = _row(world, refs[0])
    staff = _staff_of(world, scheme["insurer_id"])
    return {"supersedesId": _gid(refs[0]), **_scheme_content(staff)}


def _record_stores(world: World, refs: Refs) -> Row:
    policy = _row(world, refs[0])
    # A planned record delivered by no agency: the insurer answers for it.
    return _parties(policy) | {
        "policy_id": policy["id"],
        "agency_id": None,
        "responsible_agency_id": None,
    }


def _record_input(world: World, refs: Refs) -> Input:
    policy = _row(world, refs[0])
    return {
        "insurerId": global_id("insurer", policy["insurer_id"]),
        "unitId": global_id("insured_unit", policy["unit_id"]),
        "policyId": _gid(refs[0]),
        "category": "HAZARD_INVESTIGATION",
        "plannedOn": "2030-04-01",
        "place": "厂区",
        "content": "储罐区、装卸区隐患排查",
        "responsibleParty": "INSURER",
    }


def _completed(row: Row) -> bool:
    return row["completed_at"] is not None


def _completion_input(world: World, refs: Refs) -> Input:
    record = _row(world, refs[0])
    given: Input = {"recordId": _gid(refs[0]), "completedAt": LATER_END}
    # A start already recorded must not be given again.
    return given if record["started_at"] is not None else given | {"startedAt": LATER}


def _changed(**changes: Any) -> Callable[[World, Refs], Row]:
    return lambda world, refs: _row(world, refs[0]) | changes


def _follow_up_input(world: World, refs: Refs) -> Input:
    return {
        "serviceRecordId": _gid(refs[0]),
        "method": "PHONE",
        "visitedAt": "2030-03-04T10:00:00+08:00",
        "satisfaction": 5,
        "comments": "专家讲解清楚",
    }


def _decision_stores(world: World, refs: Refs) -> Row:
    record = _row(world, refs[0])
    return {"service_record_id": record["id"], "unit_id": record["unit_id"]}


def _decision_input(world: World, refs: Refs) -> Input:
    record = _row(world, refs[0])
    return {
        "serviceRecordId": _gid(refs[0]),
        "unitId": global_id("insured_unit", record["unit_id"]),
        "decision": "CONFIRMED",
        # After any decision already taken: the latest one counts, so they come in order.
        "decidedAt": "2030-03-05T10:00:00+08:00",
    }


def _complaint_targets(world: World) -> list[Target]:
    insures = sorted({(p["unit_id"], p["insurer_id"]) for p in world.rows("insurance_policy")})
    known = set(insures)
    others = [
        (u, i)
        for u in keys_sorted(world.tables["insured_unit"])
        for i in keys_sorted(world.tables["insurer"])
        if (u, i) not in known
    ]
    return [
        Target((("insured_unit", u), ("insurer", i)), kind=kind)
        for kind, pairs in (("its insurer", insures), ("not its insurer", others))
        for u, i in pairs
    ]


def _complaint_stores(world: World, refs: Refs) -> Row:
    (_, unit), (_, insurer) = refs
    return {"insurer_id": insurer, "unit_id": unit}


def _complaint_input(world: World, refs: Refs) -> Input:
    return {
        "insurerId": _gid(refs[1]),
        "unitId": _gid(refs[0]),
        "filedAt": "2030-03-10T09:00:00+08:00",
        "request": "服务报告未及时送达",
    }


def _answer_input(world: World, refs: Refs) -> Input:
    return {
        "complaintId": _gid(refs[0]),
        "answeredAt": "2030-03-08T15:00:00+08:00",
        "answerRequest": "要求按约定时间上门服务",
        "answerFacts": "经核实，服务人员因交通原因迟到两小时",
        "answerMeasures": "调整排班，提前一天电话确认",
    }


def _ledger_stores(world: World, refs: Refs) -> Row:
    policy = _row(world, refs[0])
    return _parties(policy) | {"policy_id": policy["id"]}


def _ledger_input(world: World, refs: Refs) -> Input:
    policy = _row(world, refs[0])
    return {
        "insurerId": global_id("insurer", policy["insurer_id"]),
        "unitId": global_id("insured_unit", policy["unit_id"]),
        "policyId": _gid(refs[0]),
        "kind": "ALLOCATION",
        "amount": "2400.50",
        "occurredOn": "2030-01-01",  # after the start of every demo policy
        "purpose": "事故预防服务费计提",
    }


def _contract_targets(world: World) -> list[Target]:
    """Every policy, with the first agency that may take new work (R-7.1-staff)."""
    agency = min(a["id"] for a in world.rows("agency") if a["status"] == "active")
    return [
        Target((("insurance_policy", p), ("agency", agency)))
        for p in _keys(world, "insurance_policy")
    ]


def _contract_stores(world: World, refs: Refs) -> Row:
    policy = _row(world, refs[0])
    return _parties(policy) | {"agency_id": refs[1][1], "policy_id": policy["id"]}


def _contract_input(world: World, refs: Refs) -> Input:
    policy = _row(world, refs[0])
    return {
        "insurerId": global_id("insurer", policy["insurer_id"]),
        "agencyId": _gid(refs[1]),
        "unitId": global_id("insured_unit", policy["unit_id"]),
        "policyId": _gid(refs[0]),
        "signedOn": str(policy["period_start"]),
        "validFrom": str(policy["period_start"]),  # inside every policy's own period
        "scopeOfServices": "隐患排查",
        "documentRef": f"MATRIX-HT-{policy['id']}",
    }


def _evaluation_targets(world: World) -> list[Target]:
    years = {(e["insurer_id"], e["year"]) for e in world.rows("annual_evaluation")}
    insurers = keys_sorted(world.tables["insurer"])
    assert not any((i, EVALUATION_YEAR) in years for i in insurers), "pick another year"
    return _each("insurer", insurers)


def _evaluation_input(world: World, refs: Refs) -> Input:
    return {"insurerId": _gid(refs[0]), "year": EVALUATION_YEAR, "method": "SELF", **SECTIONS}


def _latest_evaluations(world: World, status: str | None = None) -> list[Target]:
    latest = _latest(world, "annual_evaluation", ("insurer_id", "year"))
    return _each("annual_evaluation", [e["id"] for e in latest if status in (None, e["status"])])


def _evaluation_stores(world: World, refs: Refs) -> Row:
    row = _row(world, refs[0])
    return {"insurer_id": row["insurer_id"], "status": "draft"}


def _measure_input(world: World, refs: Refs) -> Input:
    return {
        "insurerId": _gid(refs[0]),
        "source": "COMPLAINT",
        "complaintId": _gid(refs[1]),
        "problem": "服务人员未按约定时间到场",
        "measure": "调整排班，提前一天电话确认",
        "dueOn": "2030-06-30",
    }


def _measure_targets(world: World) -> list[Target]:
    return [
        Target((("insurer", c["insurer_id"]), ("complaint", c["id"])), primary=1)
        for c in sorted(world.rows("complaint"), key=lambda c: c["id"])
    ]


def _progress_input(world: World, refs: Refs) -> Input:
    measure = _row(world, refs[0])
    if measure["status"] == "planned":
        return {"measureId": _gid(refs[0]), "status": "IN_PROGRESS", "progressNote": "已落实"}
    return {"measureId": _gid(refs[0]), "status": "DONE", "completedAt": LATER}


def _open(row: Row) -> bool:
    return bool(row["status"] == "open")


MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        "createPolicy",
        "insurance_policy",
        "create",
        _policy_targets,
        _named,
        _policy_stores,
        _policy_input,
    ),
    Mutation(
        "createScheme",
        "service_scheme",
        "create",
        _scheme_targets,
        _scheme_looks_up,
        _scheme_stores,
        _scheme_input,
    ),
    Mutation(
        "reviseScheme",
        "service_scheme",
        "create",
        _revision_targets,
        _revision_looks_up,
        _revision_stores,
        _revision_input,
    ),
    Mutation(
        "createServiceRecord",
        "service_record",
        "create",
        lambda world: _each("insurance_policy", _keys(world, "insurance_policy")),
        _named,
        _record_stores,
        _record_input,
    ),
    Mutation(
        "completeServiceRecord",
        "service_record",
        "record",
        lambda world: _each(
            "service_record", _keys(world, "service_record", lambda r: r["status"] == "planned")
        ),
        _named,
        _changed(status="completed"),
        _completion_input,
    ),
    Mutation(
        "recordFollowUp",
        "follow_up",
        "create",
        lambda world: _each("service_record", _keys(world, "service_record", _completed)),
        _named,
        lambda world, refs: {"service_record_id": refs[0][1]},
        _follow_up_input,
    ),
    Mutation(
        "decideOnServiceRecord",
        "unit_confirmation",
        "confirm",
        lambda world: _each("service_record", _keys(world, "service_record", _completed)),
        _named,
        _decision_stores,
        _decision_input,
    ),
    Mutation(
        "fileComplaint",
        "complaint",
        "create",
        _complaint_targets,
        _named,
        _complaint_stores,
        _complaint_input,
    ),
    Mutation(
        "answerComplaint",
        "complaint",
        "answer",
        lambda world: _each("complaint", _keys(world, "complaint", _open)),
        _named,
        _changed(status="answered"),
        _answer_input,
    ),
    Mutation(
        "addLedgerEntry",
        "fee_ledger_entry",
        "create",
        lambda world: _each("insurance_policy", _keys(world, "insurance_policy")),
        _named,
        _ledger_stores,
        _ledger_input,
    ),
    Mutation(
        "createAgencyContract",
        "agency_contract",
        "create",
        _contract_targets,
        _named,
        _contract_stores,
        _contract_input,
    ),
    Mutation(
        "createEvaluation",
        "annual_evaluation",
        "create",
        _evaluation_targets,
        _named,
        lambda world, refs: {"insurer_id": refs[0][1], "status": "draft"},
        _evaluation_input,
    ),
    Mutation(
        "reviseEvaluation",
        "annual_evaluation",
        "revise",
        _latest_evaluations,
        _named,
        _evaluation_stores,
        lambda world, refs: {"supersedesId": _gid(refs[0]), "method": "SELF", **SECTIONS},
    ),
    Mutation(
        "submitEvaluation",
        "annual_evaluation",
        "submit",
        lambda world: _latest_evaluations(world, "draft"),
        _named,
        _changed(status="submitted"),
        lambda world, refs: {
            "evaluationId": _gid(refs[0]),
            "submittedTo": "广东省应急管理厅",
            "submittedAt": "2030-01-20T10:00:00+08:00",
        },
    ),
    Mutation(
        "publishEvaluation",
        "annual_evaluation",
        "publish",
        lambda world: _latest_evaluations(world, "submitted"),
        _named,
        _changed(status="published"),
        lambda world, refs: {
            "evaluationId": _gid(refs[0]),
            "publishedAt": "2030-04-01T10:00:00+08:00",
        },
    ),
    Mutation(
        "createImprovementMeasure",
        "improvement_measure",
        "create",
        _measure_targets,
        _named,  # the insurer named, then the complaint the measure answers
        lambda world, refs: {"insurer_id": refs[0][1]},
        _measure_input,
    ),
    Mutation(
        "recordImprovementProgress",
        "improvement_measure",
        "record",
        lambda world: _each(
            "improvement_measure",
            _keys(
                world, "improvement_measure", lambda m: m["status"] in ("planned", "in_progress")
            ),
        ),
        _named,
        _changed(),
        _progress_input,
    ),
)
BY_FIELD = {m.field: m for m in MUTATIONS}


# -- rows staged for the write cells --------------------------------------------------------


def _evaluation_row(key: int, insurer: int, year: int, status: str) -> Row:
    """A complete ``annual_evaluation`` row (every column, as ``load_world`` reads one)."""
    row: Row = dict.fromkeys(Base.metadata.tables["annual_evaluation"].columns.keys())
    row |= {column: f"{STAGED_NOTE}: {column}" for column in REPORT_SECTIONS} | {
        "id": key,
        "insurer_id": insurer,
        "year": year,
        "version": 1,
        "method": "self",
        "status": status,
        "created_at": datetime(year + 1, 1, 10, 2, 0, tzinfo=UTC),
    }
    if status == "submitted":
        row |= {
            "submitted_to": STAGED_NOTE,
            "submitted_at": datetime(year + 1, 1, 20, 2, 0, tzinfo=UTC),
        }
    return row


def staged_rows(world: World, principals: list[Principal]) -> dict[str, list[Row]]:
    """Rows the demo data lacks for a principal's own write: every insurer principal needs a
    current draft report to submit and a current submitted one to publish (the demo's are
    other insurers'). They are inserted only for the write cells, inside a savepoint rolled
    back after them (tests/policies/matrix/runner.py), and listed in the data file."""
    tenants = sorted(
        {
            g.insurer_id
            for p in principals
            for g in p.grants
            if g.role == "insurer" and g.insurer_id is not None
        }
    )
    current = _latest(world, "annual_evaluation", ("insurer_id", "year"))
    rows: list[Row] = []
    for status in ("draft", "submitted"):
        for tenant in tenants:
            if any(r["insurer_id"] == tenant and r["status"] == status for r in current):
                continue
            years = {r["year"] for r in [*current, *rows] if r["insurer_id"] == tenant}
            year = next(y for y in count(2026) if y not in years)
            assert year < EVALUATION_YEAR
            rows.append(_evaluation_row(STAGED_FROM + len(rows), tenant, year, status))
    return {"annual_evaluation": rows} if rows else {}


def with_rows(world: World, extra: dict[str, list[Row]]) -> World:
    """A world holding ``extra`` besides the seeded rows (a new world: fresh indexes)."""
    tables = dict(world.tables)
    for table, rows in extra.items():
        tables[table] = {**tables[table], **{r["id"]: r for r in rows}}
    return World(tables=tables, links=world.links)


# -- the oracle's answer ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    expected: str  # written | forbidden | refused
    why: str


class WriteOracle:
    """Who may make which write, over the seeded rows and the staged ones."""

    def __init__(self, world: World, rules: Rules, principals: list[Principal]) -> None:
        self.staged = staged_rows(world, principals)
        self.world = with_rows(world, self.staged)
        self.oracle = Oracle(self.world, rules)
        self.rules = rules
        self._targets: dict[str, list[Target]] = {}
        self._outcomes: dict[tuple[str, str, Refs], Outcome] = {}
        self._nameable: dict[tuple[str, str], set[Any]] = {}

    def targets(self, mutation: Mutation) -> list[Target]:
        found = self._targets.get(mutation.field)
        if found is None:
            found = self._targets[mutation.field] = mutation.targets(self.world)
            assert found, f"no valid target for {mutation.field} in the demo data"
        return found

    def allowed(self, who: Principal, mutation: Mutation) -> bool:
        return any(self.rules.get((g.role, mutation.resource, mutation.action)) for g in who.grants)

    def reads(self, who: Principal, ref: Ref) -> bool:
        return bool(ref[1] in self.oracle.visible_set(who, ref[0]))

    def _nameable_set(self, who: Principal, table: str) -> set[Any]:
        """What a write may name: what the principal reads, or may ``refer`` to."""
        key = (who.label, table)
        found = self._nameable.get(key)
        if found is None:
            found = self._nameable[key] = self.oracle.visible_set(
                who, table
            ) | self.oracle.visible_set(who, table, "refer")
        return found

    def outcome(self, who: Principal, mutation: Mutation, refs: Refs) -> Outcome:
        key = (who.label, mutation.field, refs)
        found = self._outcomes.get(key)
        if found is None:
            found = self._outcomes[key] = self._outcome(who, mutation, refs)
        return found

    def _outcome(self, who: Principal, m: Mutation, refs: Refs) -> Outcome:
        if not self.allowed(who, m):
            rules = "; ".join(
                f"no {m.action} rule for {g.role} on {m.resource}" for g in who.grants
            )
            return Outcome("forbidden", rules)
        for table, key in m.looks_up(self.world, refs):
            if key not in self._nameable_set(who, table):
                unseen = self.oracle.decide(who, table, key).why
                return Outcome("refused", f"{global_id(table, key)} is unknown to it: {unseen}")
        stored = self.oracle.decide_row(who, m.resource, m.stores(self.world, refs), m.action)
        if not stored.ok:
            return Outcome("refused", f"names what it may, but stores outside: {stored.why}")
        return Outcome("written", f"{m.action} {m.resource}: {stored.why}")

    def picks(
        self, who: Principal, peer: Principal, mutation: Mutation
    ) -> list[tuple[Target, str]]:
        """Per variant of the mutation: the first target ``who`` may write (and, holding
        several grants, for each the first that only this grant may write), the first it may
        not though it reads the object, the first whose object it does not read, and the
        first its peer may write (the peer's id swapped in)."""
        chosen: dict[Target, str] = {}
        allowed = self.allowed(who, mutation)
        alone = [
            Principal(f"{who.label}[{g.role}]", (g,), None, who.peer, "one grant of it")
            for g in who.grants
        ]
        alone = [p for p in alone if len(who.grants) > 1 and self.allowed(p, mutation)]
        wanted = {"read", "out"} | ({"inside"} if allowed else set())
        wanted |= {p.label for p in alone}
        variants: dict[str, list[Target]] = {}
        for target in self.targets(mutation):
            variants.setdefault(target.kind, []).append(target)
        for kind, targets in variants.items():
            note = f" [{kind}]" if kind else ""
            found: dict[str, Target] = {}
            for target in targets:
                if allowed and self.outcome(who, mutation, target.refs).expected == "written":
                    found.setdefault("inside", target)
                    by = [
                        one.label
                        for one in alone
                        if self.outcome(one, mutation, target.refs).expected == "written"
                    ]
                    if len(by) == 1:
                        found.setdefault(by[0], target)
                elif self.reads(who, target.about):
                    found.setdefault("read", target)
                else:
                    found.setdefault("out", target)
                if wanted <= found.keys():
                    break
            for slot in ("inside", *(p.label for p in alone), "read", "out"):
                if slot in found:
                    chosen.setdefault(found[slot], note)
            swapped = self._first_written(peer, mutation, targets)
            if swapped is not None:
                chosen.setdefault(swapped, f"{note} [{peer.label}'s]")
        return list(chosen.items())

    def _first_written(
        self, who: Principal, mutation: Mutation, targets: list[Target]
    ) -> Target | None:
        if not self.allowed(who, mutation):
            return None
        return next(
            (t for t in targets if self.outcome(who, mutation, t.refs).expected == "written"),
            None,
        )


def staged_summary(staged: dict[str, list[Row]]) -> Iterator[str]:
    """The staged rows as the data file's header lists them."""
    for table, rows in staged.items():
        for row in rows:
            what = ", ".join(
                f"{c} {row[c]}" for c in ("insurer_id", "year", "version", "status") if c in row
            )
            yield f"{global_id(table, row['id'])} ({table}: {what})"
