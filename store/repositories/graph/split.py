"""SQLite only: a read nested deeper than SQLite's parser takes, split into more statements.

SQLite's parser keeps every open parenthesis, function call and sub-SELECT on a stack of 100
entries (YYSTACKDEPTH of the library Python ships; only a rebuild of SQLite raises it). The
compiler keeps its SQL flat for it (``-> '$'`` rather than ``json()``, a nested page's nodes
looked up by key where they are aggregated), yet a level still opens ~10 entries (a to-one
hop), ~19 (a list) or ~34 (a connection with its leaf; measured by how many ``json(``
wrappers a statement still takes). Within the depth the gateway lets through
(``limit_depth``, 10) that is not enough: ``insuredUnit(id) { policies { nodes {
serviceRecords { nodes { hazards { serviceRecord { id } } } } } } }`` overflows ("parser stack
overflow"). PostgreSQL has no such limit: its reads stay one statement.

So on SQLite the compiler is given a *cut*: the relation fields (to-one, list, connection)
nested deeper than ``cut`` levels below a statement's root are not compiled in place but left
as a marker ``{"$d": <deferred field>, "$k": <parent row's key>}`` — "$" starts no GraphQL
name, so no response key looks like one. Each deferred field becomes one more statement that
answers it for *all* its parent rows at once (``GraphCompiler.deferred``: the same SQL as in
place, its parent rows picked by key), itself cut again when needed. The repository puts the
answers in place of the markers (``stitch``), in the response and in the audit column alike.

The cut is found, not guessed: the statement is parsed by the very SQLite library the
application runs (``parses``, an in-memory database: parsing comes before the tables are
looked up), first whole, then cut one level shallower at a time. A read that fits keeps its
one statement and its SQL; the plan cache (plans.py) keeps the whole split plan. What it
costs: one statement per deferred field (never per row), only for shapes that could not run
on SQLite at all before. So for them DESIGN's "one statement per list level" reads "at most
one per nested level" (a to-one hop may be cut too), never one per row.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Select
from sqlalchemy.dialects import sqlite

if TYPE_CHECKING:
    from store.repositories.graph.compiler import GraphCompiler
    from store.repositories.graph.tree import Field, ObjectSelection

MARK = "$d"  # a marker's deferred field: its index in the plan
KEY = "$k"  # a marker's parent row key
KEYS_PARAMETER = "deferred_keys"  # a deferred statement's parent keys, one JSON array


@dataclass(frozen=True, slots=True)
class Deferred:
    """A relation field left out of a statement: answered for its parent rows by key."""

    selection: ObjectSelection  # the parent row's selection: its entity and type name
    field: Field


@dataclass(slots=True)
class Deferrals:
    """The deferred fields of one plan, numbered in the order they were cut."""

    items: list[Deferred] = field(default_factory=list)
    _index: dict[int, int] = field(default_factory=dict)  # id(field) → index

    def index(self, item: Deferred) -> int:
        found = self._index.get(id(item.field))
        if found is None:
            found = self._index[id(item.field)] = len(self.items)
            self.items.append(item)
        return found

    def truncate(self, length: int) -> None:
        """Forget what a discarded attempt deferred."""
        for item in self.items[length:]:
            del self._index[id(item.field)]
        del self.items[length:]


@dataclass(frozen=True, slots=True)
class Plan:
    """A read's statements: the main one, and one per deferred field (index = marker)."""

    statement: Select[Any]
    deferred: tuple[Select[Any], ...] = ()


_DIALECT = sqlite.dialect()
_EXPANDING = re.compile(r"__\[POSTCOMPILE_[^\]]+\]")


def parses(statement: Select[Any]) -> bool:
    """Whether SQLite's parser takes the statement (its tables need not exist)."""
    # An IN list of a cached statement is a placeholder SQLAlchemy expands per request.
    sql = _EXPANDING.sub("?", str(statement.compile(dialect=_DIALECT)))
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(sql)
    except sqlite3.OperationalError as error:
        # "no such table", "no such function"…: the parse went through.
        return "stack overflow" not in str(error) and "too large" not in str(error)
    except sqlite3.ProgrammingError:  # the parameters are missing: parsed, prepared
        return True
    finally:
        connection.close()
    return True


class TooDeep(ValueError):
    """Even one level per statement does not parse (never seen: a level opens ~34 entries
    at most, of 100)."""


Compile = Callable[["GraphCompiler"], Select[Any]]
NewCompiler = Callable[[int | None, Deferrals], "GraphCompiler"]


def plan(new_compiler: NewCompiler, build: Compile) -> Plan:
    """The statements of a read on SQLite: as few as its depth allows."""
    deferrals = Deferrals()
    main = _fit(new_compiler, deferrals, build)
    statements: list[Select[Any]] = []
    while len(statements) < len(deferrals.items):  # grows as deferred statements cut again
        item = deferrals.items[len(statements)]
        statements.append(_fit(new_compiler, deferrals, partial(_deferred, item=item)))
    return Plan(main, tuple(statements))


def _deferred(compiler: GraphCompiler, item: Deferred) -> Select[Any]:
    return compiler.deferred(item)


def _fit(new_compiler: NewCompiler, deferrals: Deferrals, build: Compile) -> Select[Any]:
    cut: int | None = None
    while True:
        before = len(deferrals.items)
        compiler = new_compiler(cut, deferrals)
        statement = build(compiler)
        if parses(statement):
            return statement
        deferrals.truncate(before)
        cut = (compiler.deepest if cut is None else cut) - 1
        if cut < 1:
            raise TooDeep("one nested level per statement does not parse on SQLite")


# -- putting the deferred answers in place ----------------------------------------------

Run = Callable[[Select[Any], dict[str, Any]], Awaitable[str | None]]
_Slot = tuple[Any, Any, Any]  # (container, key or index, parent row key)


def _markers(value: Any, found: dict[int, list[_Slot]]) -> None:
    """Every marker inside ``value``, by deferred field; a list, not recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        slots: Any = item.items() if isinstance(item, dict) else enumerate(item)
        for slot, child in slots:
            if isinstance(child, dict) and MARK in child:
                found.setdefault(child[MARK], []).append((item, slot, child[KEY]))
            elif isinstance(child, dict | list):
                stack.append(child)


async def stitch(
    plan: Plan, values: dict[str, Any], text: str | None, seen: str | None, run: Run
) -> tuple[str | None, str | None]:
    """The response and audit texts with every marker replaced by its deferred answer."""
    response = None if text is None else orjson.loads(text)
    audit = None if seen is None else orjson.loads(seen)
    answers: dict[int, list[_Slot]] = {}
    audits: dict[int, list[_Slot]] = {}
    for root, found in ((response, answers), (audit, audits)):
        if isinstance(root, dict | list):
            _markers(root, found)
    for index in range(len(plan.deferred)):  # a marker only names fields cut after its own
        slots, audit_slots = answers.pop(index, []), audits.pop(index, [])
        keys = list(dict.fromkeys(key for *_, key in slots + audit_slots))
        if not keys:
            continue  # no parent row came back: no statement
        parameters = {**values, KEYS_PARAMETER: orjson.dumps(keys).decode()}
        rows = await run(plan.deferred[index], parameters)
        by_key = {row["k"]: row for row in orjson.loads(rows or "[]")}
        for container, slot, key in slots:
            container[slot] = answer = by_key[key]["v"]
            if isinstance(answer, dict | list):
                _markers({"": answer}, answers)
        for container, slot, key in audit_slots:
            container[slot] = answer = by_key[key].get("a")
            if isinstance(answer, dict | list):
                _markers({"": answer}, audits)
    # The slots are filled in place: the roots now hold every answer.
    return (
        None if response is None else orjson.dumps(response).decode(),
        None if audit is None else orjson.dumps(audit).decode(),
    )
