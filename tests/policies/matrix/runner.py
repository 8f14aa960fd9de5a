"""Runs the matrix's cells against the gateway at the schema level: the real schema, the
request context the server builds (scope, mask, aggregate scope and write access from the
policy), and the seeded data. Cells are batched into a few operations per principal (one
alias per object). Write cells run through ``MutationRun``: each operation inside a
savepoint of the seeded connection, rolled back after it."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from policies.enforcer import Decisions
from policies.resources import Action
from policies.scope import Scope
from resolvers.context import RequestContext
from services.identity import Identity
from store.base import Base
from tests.policies.matrix.cells import Cell
from tests.policies.matrix.oracle import PROTECTED
from tests.policies.matrix.stats import StatsView
from tests.policies.matrix.surface import BY_NAME, RELATION_BY_NAME, TYPES
from tests.policies.matrix.world import CODE_KEYED, Row, World, plain_row
from tests.policies.matrix.writes import BY_FIELD, Ref, refs_of

PAGE = 1000  # the largest page the API serves (services/reading.py MAX_PAGE_SIZE)
Tree = dict[str, "Tree"]
Readable = Callable[[str], set[Any]]  # table → the keys the oracle lets the principal read

_PAGE_PARTS: Tree = {
    "totalCount": {},
    "pageInfo": {"hasNextPage": {}, "endCursor": {}},
    "nodes": {"id": {}},
}
_STATS_GROUPS: Tree = {
    "region": {"code": {}},
    "insurer": {"id": {}},
    "unitsCovered": {},
    "services": {"delivered": {}},
    "satisfaction": {"responses": {}},
    "complaints": {"filed": {}},
    "majorHazards": {"found": {}},
    "fees": {"income": {}, "expenditure": {}},
}


def _render(tree: Tree) -> str:
    return " ".join(k if not v else f"{k} {{ {_render(v)} }}" for k, v in tree.items())


def _merge(into: Tree, tree: Tree) -> None:
    for key, sub in tree.items():
        _merge(into.setdefault(key, {}), sub)


def _key(gid: str) -> Any:
    type_name, key = gid.split(":", 1)
    return key if BY_NAME[type_name].table in ("region", "industry") else int(key)


def _field(name: str) -> str:
    """A relation's field with the page size a connection is read with."""
    field_name = name.split(".", 1)[1]
    relation = RELATION_BY_NAME[name]
    return f"{field_name}(first: {PAGE})" if relation.shape == "connection" else field_name


@dataclass
class Outcome:
    got: dict[Cell, str] = field(default_factory=dict)

    def set(self, cell: Cell, value: Any) -> None:
        self.got[cell] = str(value)


class Gateway:
    """One principal's requests through the schema, as the server would run them."""

    def __init__(
        self,
        schema: strawberry.Schema,
        session: AsyncSession,
        decisions: Decisions,
        identity: Identity,
    ) -> None:
        self.schema, self.session, self.identity = schema, session, identity
        self.decisions = decisions
        self.operations = 0

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The data, and the first error message per top-level alias."""
        scope = Scope(self.identity, self.decisions.decide)
        context = RequestContext(
            request=None,  # type: ignore[arg-type]
            response=None,  # type: ignore[arg-type]
            session=self.session,
            identity=self.identity,
            scope=scope,
            mask=scope,
            aggregate_scope=scope.for_action(Action.AGGREGATE),
            access=scope,  # what it may write, as server/graphql_app.py builds it
        )
        self.operations += 1
        result = await self.schema.execute(query, variable_values=variables, context_value=context)
        errors: dict[str, str] = {}
        for error in result.errors or []:
            if not error.path:
                raise AssertionError(f"the matrix sent an invalid operation: {error.message}")
            errors.setdefault(str(error.path[0]), error.message)
        return dict(result.data or {}), errors


class PrincipalRun:
    """Every cell of one principal: plan the aliases, execute, read each answer."""

    def __init__(self, gateway: Gateway, world: World, readable: Readable | None) -> None:
        self.gateway, self.world, self.readable = gateway, world, readable
        self.outcome = Outcome()

    async def run(self, cells: Iterable[Cell]) -> dict[Cell, str]:
        by_operation: dict[str, list[Cell]] = defaultdict(list)
        for cell in cells:
            by_operation[cell.operation].append(cell)
        # Write cells need the staged rows and savepoints around them: ``MutationRun``.
        assert "mutation" not in by_operation, "write cells run through MutationRun"
        await self._roots(by_operation.pop("root", []))
        await self._objects(by_operation)
        await self._lists(by_operation.pop("list", []), by_operation.pop("total_count", []))
        await self._stats(by_operation.pop("stats_groups", []), by_operation.pop("stats", []))
        unknown = set(by_operation) - {
            "node",
            "by_id",
            "nested",
            "nested_count",
            "masked",
            "masked_nested",
            "withheld",
        }
        assert not unknown, f"cells of unknown operations: {unknown}"
        return self.outcome.got

    # -- unscoped root fields --------------------------------------------------------------

    async def _roots(self, cells: list[Cell]) -> None:
        if not cells:
            return
        targets = {c.target for c in cells}
        parts = []
        if "viewer" in targets:
            parts.append("viewer { roles }")
        if "serviceCategories" in targets:
            parts.append("serviceCategories { code }")
        data, errors = await self.gateway.execute("{ " + " ".join(parts) + " }")
        for cell in cells:
            if cell.target in errors:
                self.outcome.set(cell, f"error: {errors[cell.target]}")
            elif cell.target == "viewer":
                self.outcome.set(cell, "roles=" + ",".join(data["viewer"]["roles"]))
            else:
                self.outcome.set(cell, len(data["serviceCategories"]))

    # -- objects by id: node, by_id and everything read below one object --------------------

    async def _objects(self, by_operation: dict[str, list[Cell]]) -> None:
        roots: dict[str, tuple[str, Tree]] = {}  # alias → (root field call, selection)
        alias_of: dict[tuple[str, str], str] = {}

        def want(root: str, gid: str, tree: Tree) -> str:
            key = (root, gid)
            if key not in alias_of:
                alias_of[key] = f"o{len(alias_of)}"
                roots[alias_of[key]] = (f"{root}(id: {json.dumps(gid)})", {"id": {}})
            alias = alias_of[key]
            _merge(roots[alias][1], tree)
            return alias

        plans: list[tuple[Cell, str]] = []
        for cell in by_operation.get("node", []):
            plans.append((cell, want("node", cell.object, {})))
        for cell in by_operation.get("by_id", []):
            plans.append((cell, want(cell.target, cell.object, {})))
        for cell in by_operation.get("nested", []) + by_operation.get("nested_count", []):
            source = cell.object.split(" ", 1)[0]
            type_name = cell.target.split(".", 1)[0]
            root = BY_NAME[type_name].one
            assert root is not None
            plans.append((cell, want(root, source, {_field(cell.target): self._items(cell)})))
        for cell in by_operation.get("masked", []) + by_operation.get("withheld", []):
            type_name = cell.target.split(".", 1)[0]
            root = BY_NAME[type_name].one
            assert root is not None
            column = cell.target.split(".", 1)[1] if "." in cell.target else "withheldFields"
            plans.append((cell, want(root, cell.object, {column: {}})))
        for cell in by_operation.get("masked_nested", []):
            record, _ = cell.object.split(" ", 1)
            _, hop, column = cell.target.split(".")
            plans.append((cell, want("serviceRecord", record, {hop: {"id": {}, column: {}}})))
        if not plans:
            return
        query = (
            "{ "
            + " ".join(f"{a}: {call} {{ {_render(t)} }}" for a, (call, t) in roots.items())
            + " }"
        )
        data, errors = await self.gateway.execute(query)
        pages = await self._further_pages(roots, data)
        for cell, alias in plans:
            if alias in errors:
                self.outcome.set(cell, f"error: {errors[alias]}")
            else:
                self.outcome.set(cell, self._answer(cell, data.get(alias), pages.get(alias, {})))

    @staticmethod
    def _items(cell: Cell) -> Tree:
        relation = RELATION_BY_NAME[cell.target]
        return dict(_PAGE_PARTS) if relation.shape == "connection" else {"id": {}}

    async def _further_pages(
        self, roots: dict[str, tuple[str, Tree]], data: dict[str, Any]
    ) -> dict[str, dict[str, list[str]]]:
        """Nested connections longer than a page: the rest of their ids, page by page."""
        more: dict[str, dict[str, list[str]]] = defaultdict(dict)
        for alias, (call, tree) in roots.items():
            for name in tree:
                if not name.endswith(f"(first: {PAGE})") or not data.get(alias):
                    continue
                response_key = name.split("(", 1)[0]
                page = data[alias][response_key]
                ids: list[str] = []
                while page["pageInfo"]["hasNextPage"]:
                    after = json.dumps(page["pageInfo"]["endCursor"])
                    inner = f"{response_key}(first: {PAGE}, after: {after})"
                    query = f"{{ o: {call} {{ {inner} {{ {_render(_PAGE_PARTS)} }} }} }}"
                    next_data, errors = await self.gateway.execute(query)
                    assert not errors, errors
                    page = next_data["o"][response_key]
                    ids += [n["id"] for n in page["nodes"]]
                more[alias][response_key] = ids
        return more

    def _answer(self, cell: Cell, value: Any, more: dict[str, list[str]]) -> str:
        op = cell.operation
        if value is None:
            return "not_found"
        if op in ("node", "by_id"):
            return "visible" if value["id"] == cell.object else f"wrong object {value['id']}"
        if op in ("nested", "nested_count"):
            relation = RELATION_BY_NAME[cell.target]
            part = value[relation.field]
            if relation.shape == "one":
                return "null" if part is None else str(part["id"])
            if relation.shape == "connection":
                ids = [n["id"] for n in part["nodes"]] + more.get(relation.field, [])
                if op == "nested_count" and part["totalCount"] != len(set(ids)):
                    return f"{part['totalCount']} (but {len(set(ids))} listed)"
            else:
                ids = [item["id"] for item in part]
            if op == "nested_count":
                return self._count_with_leaks(len(ids), ids, relation.target)
            return "listed" if cell.object.split(" ", 1)[1] in ids else "absent"
        if op == "withheld":
            return " ".join(sorted(value["withheldFields"])) or "-"
        if op == "masked":
            type_name, column = cell.target.split(".", 1)
            return self._masked(BY_NAME[type_name].table, _key(cell.object), column, value)
        if op == "masked_nested":
            _, hop, column = cell.target.split(".")
            target_gid = cell.object.split(" ", 1)[1]
            items = value[hop] if isinstance(value[hop], list) else [value[hop]]
            found = next((i for i in items if i and i["id"] == target_gid), None)
            if found is None:
                return "target not_found"
            table = BY_NAME[target_gid.split(":", 1)[0]].table
            return self._masked(table, _key(target_gid), column, found)
        raise AssertionError(op)

    def _masked(self, table: str, key: Any, graphql: str, value: dict[str, Any]) -> str:
        column = next(c for c, g in PROTECTED[table] if g == graphql)
        row = self.world.row(table, key)
        assert row is not None
        shown = value[graphql]
        if shown is None:
            return "masked"
        return "unmasked" if shown == row[column] else f"wrong value {shown!r}"

    def _count_with_leaks(self, count: int, ids: list[str], table: str) -> str:
        """A count, and any listed row the oracle says is not readable (a leak the count
        alone could hide behind a row wrongly missing)."""
        if self.readable is None:
            return str(count)
        readable = self.readable(table)
        leaked = [i for i in ids if _key(i) not in readable]
        return str(count) if not leaked else f"{count} (leaked {' '.join(leaked[:5])})"

    # -- root connections: every page -------------------------------------------------------

    async def _lists(self, members: list[Cell], totals: list[Cell]) -> None:
        fields = sorted({c.target for c in members + totals})
        if not fields:
            return
        listed: dict[str, list[str]] = {f: [] for f in fields}
        counts: dict[str, int] = {}
        failed: dict[str, str] = {}
        after: dict[str, str | None] = dict.fromkeys(fields)
        pending = list(fields)
        while pending:
            calls = []
            for i, name in enumerate(pending):
                cursor = after[name]
                args = f"first: {PAGE}" + (f", after: {json.dumps(cursor)}" if cursor else "")
                calls.append(f"l{i}: {name}({args}) {{ {_render(_PAGE_PARTS)} }}")
            data, errors = await self.gateway.execute("{ " + " ".join(calls) + " }")
            still = []
            for i, name in enumerate(pending):
                if f"l{i}" in errors or data.get(f"l{i}") is None:
                    failed[name] = errors.get(f"l{i}", "null connection")
                    continue
                page = data[f"l{i}"]
                counts.setdefault(name, page["totalCount"])
                listed[name] += [n["id"] for n in page["nodes"]]
                if page["pageInfo"]["hasNextPage"]:
                    after[name] = page["pageInfo"]["endCursor"]
                    still.append(name)
            pending = still
        for cell in members:
            if cell.target in failed:
                self.outcome.set(cell, f"error: {failed[cell.target]}")
            else:
                self.outcome.set(cell, "listed" if cell.object in listed[cell.target] else "absent")
        for cell in totals:
            if cell.target in failed:
                self.outcome.set(cell, f"error: {failed[cell.target]}")
                continue
            ids, total = listed[cell.target], counts[cell.target]
            table = next(t.table for t in TYPES if t.many == cell.target)
            if len(set(ids)) != total or len(ids) != total:
                self.outcome.set(cell, f"{total} (but {len(set(ids))} listed)")
            else:
                self.outcome.set(cell, self._count_with_leaks(total, ids, table))

    # -- statistics --------------------------------------------------------------------------

    async def _stats(self, groups: list[Cell], measures: list[Cell]) -> None:
        views = sorted({c.target for c in groups + measures})
        for view_name in views:
            view = _view(view_name)
            query = (
                f"{{ s: stats({view.arguments()}) {{ groups {{ {_render(_STATS_GROUPS)} }} }} }}"
            )
            data, errors = await self.gateway.execute(query)
            found: dict[str, dict[str, Any]] = {}
            if not errors:
                for g in data["s"]["groups"]:
                    if view.group_by == "INSURER":
                        key = g["insurer"]["id"] if g["insurer"] else "null"
                    else:
                        key = g["region"]["code"] if g["region"] else "null"
                    found[key] = g
            for cell in groups + measures:
                if cell.target != view_name:
                    continue
                if errors:
                    self.outcome.set(cell, f"error: {errors['s']}")
                elif cell.operation == "stats_groups":
                    keys = sorted(found, key=_group_order)
                    self.outcome.set(cell, " ".join(keys) or "-")
                else:
                    key, measure = cell.object.split(" ", 1)
                    self.outcome.set(cell, _measure(found.get(key), measure))


def _group_order(key: str) -> tuple[int, str]:
    return (int(key.split(":", 1)[1]), "") if key.startswith("Insurer:") else (0, key)


def _measure(group: dict[str, Any] | None, measure: str) -> str:
    if group is None:
        return "no group"
    value: Any = group
    for part in measure.split("."):
        value = value[part]
    if measure.startswith("fees."):
        try:
            return str(Decimal(str(value)).quantize(Decimal("0.01")))
        except InvalidOperation:
            return f"not a decimal {value!r}"
    return str(value)


def _view(name: str) -> StatsView:
    """A view back from its name (``StatsView.name``)."""
    head, *filters = name.split(" ")
    group_by, _, level = head.partition("@")
    insurers: tuple[int, ...] = ()
    region = None
    for f in filters:
        key, value = f.split("=", 1)
        if key == "insurers":
            insurers = tuple(int(v.split(":", 1)[1]) for v in value.split(","))
        else:
            region = value
    view = StatsView(group_by, level or "PROVINCE", insurers, region)
    assert view.name == name, (view.name, name)
    return view


# -- writes ---------------------------------------------------------------------------------

# Mutation fields per operation, for the cells the oracle expects to write nothing.
WRITE_BATCH = 25
_RESULT = (
    "__typename ... on Forbidden { code } ... on NotFound { code } ... on Conflict { code } "
    "... on InputErrors { code errors { code field } }"
)
# Codes of a write refused because it reaches outside the writer's scope: a row it may not
# see reads as missing (EXAMPLES #4), a row it wrote outside is rolled back.
REFUSED_CODES = frozenset({"UNKNOWN_REFERENCE", "NOT_FOUND", "OUT_OF_SCOPE"})


async def row_counts(connection: AsyncConnection) -> dict[str, int]:
    """Rows per table of the whole schema, in one statement."""
    stmt = select(
        *(
            select(func.count()).select_from(table).scalar_subquery().label(name)
            for name, table in sorted(Base.metadata.tables.items())
        )
    )
    return dict((await connection.execute(stmt)).one()._mapping)


async def stored_rows(connection: AsyncConnection, refs: Iterable[Ref]) -> dict[Ref, Row]:
    """The rows as stored now, as the world reads them (one statement per table)."""
    by_table: dict[str, list[Any]] = defaultdict(list)
    for table, key in refs:
        by_table[table].append(key)
    found: dict[Ref, Row] = {}
    for table, keys in by_table.items():
        rows = Base.metadata.tables[table]
        column = rows.c[CODE_KEYED.get(table, "id")]
        result = await connection.execute(select(rows).where(column.in_(keys)))
        found |= {(table, row[column.name]): plain_row(row) for row in result.mappings()}
    return found


@asynccontextmanager
async def staged(
    connection: AsyncConnection,
    rows: dict[str, list[Row]],
    seeded: World,
    touched: Iterable[Ref],
) -> AsyncIterator[None]:
    """The write cells' staged rows (tests/policies/matrix/writes.py), inside a savepoint
    rolled back after the cells. Then the seeded data the module shares must be as it was:
    every table holds as many rows as before, and every row a cell named (the records it
    completed, the complaints it answered…) is the row the world loaded, column by column."""
    before = await row_counts(connection)
    savepoint = await connection.begin_nested()
    try:
        for table, items in rows.items():
            await connection.execute(Base.metadata.tables[table].insert(), items)
        yield
    finally:
        await savepoint.rollback()
    after = await row_counts(connection)
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert not changed, f"the write cells left rows behind: {changed}"
    touched = set(touched)
    now = await stored_rows(connection, touched)
    altered = sorted(ref for ref in touched if now.get(ref) != seeded.row(*ref))
    assert not altered, f"the write cells left rows changed: {altered[:20]}"


def _write_answer(value: dict[str, Any] | None) -> tuple[str, str]:
    """written | forbidden | refused, or what else came back (always a mismatch); and the
    code it came back with, for the report."""
    if value is None:
        return "no answer", "-"
    typename, code = value["__typename"], value.get("code")
    if typename.endswith("Success"):
        return "written", typename
    if typename == "Forbidden" and code == "FORBIDDEN":
        return "forbidden", code
    if typename == "InputErrors":
        codes = {e["code"] for e in value["errors"]}
        shown = " ".join(f"{e['field']}={e['code']}" for e in value["errors"])
        return ("refused" if codes <= REFUSED_CODES else f"input refused: {shown}"), shown
    return ("refused" if code in REFUSED_CODES else f"{typename} {code}"), str(code)


class MutationRun:
    """One principal's write cells, with inputs built for each cell's object. Every
    operation runs in a savepoint of the seeded connection, rolled back after it (the
    request's own commit only releases the savepoint its session opened inside), so no cell
    sees another's write and the module's seeded data stays as the read cells found it."""

    def __init__(self, gateway: Gateway, connection: AsyncConnection, world: World) -> None:
        self.gateway, self.connection, self.world = gateway, connection, world
        # How the refused cells were refused (the cell accepts any of REFUSED_CODES).
        self.refusals: Counter[str] = Counter()

    async def run(self, cells: Iterable[Cell]) -> dict[Cell, str]:
        cells = list(cells)
        assert {c.operation for c in cells} <= {"mutation"}
        # A refused write rolls back its own savepoint (resolvers/mutations/outcome.py), so
        # the cells expected to write nothing share operations; a cell that writes runs alone.
        quiet = [c for c in cells if c.expected != "written"]
        groups = [quiet[i : i + WRITE_BATCH] for i in range(0, len(quiet), WRITE_BATCH)]
        groups += [[c] for c in cells if c.expected == "written"]
        got: dict[Cell, str] = {}
        for group in groups:
            answers = await self._operation(group)
            if len(group) > 1 and any(answers[c][0] != c.expected for c in group):
                # Something in the batch wrote or failed: every cell again on its own, so a
                # write that should not have happened cannot change what a later cell met.
                answers = {}
                for cell in group:
                    answers |= await self._operation([cell])
            for cell, (answer, code) in answers.items():
                got[cell] = answer
                if answer == "refused":
                    self.refusals[code.rpartition("=")[2]] += 1
        return got

    async def _operation(self, group: list[Cell]) -> dict[Cell, tuple[str, str]]:
        mutation_type = self.gateway.schema._schema.mutation_type
        assert mutation_type is not None
        declared, calls, variables = [], [], {}
        for i, cell in enumerate(group):
            input_type = mutation_type.fields[cell.target].args["input"].type
            declared.append(f"$v{i}: {input_type}")
            calls.append(f"m{i}: {cell.target}(input: $v{i}) {{ {_RESULT} }}")
            variables[f"v{i}"] = BY_FIELD[cell.target].input(self.world, refs_of(cell.object))
        query = f"mutation Cells({', '.join(declared)}) {{ {' '.join(calls)} }}"
        # The request's session must open its own savepoint inside the cell's: one it still
        # holds from before (reading an identity) would be released or rolled back with the
        # cell's savepoint inside it.
        await self.gateway.session.close()
        savepoint = await self.connection.begin_nested()
        try:
            data, errors = await self.gateway.execute(query, variables)
        finally:
            await savepoint.rollback()
        return {
            cell: (f"error: {errors[f'm{i}']}", "-")
            if f"m{i}" in errors
            else _write_answer(data.get(f"m{i}"))
            for i, cell in enumerate(group)
        }
