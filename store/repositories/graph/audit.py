"""The audit column of a compiled read (审计日志): which rows the statement returned, at
every level of the selection, and the insured units they belong to — computed in the same
statement as the response JSON, never by a second statement or a walk over the response.

The column holds one pair per returned row, ``{"k": <primary key>, "u": <insured unit id>}``
("u" absent for rows about no unit). The root level is a list of pairs for a connection
(its page rows, ``rn <= size``: the look-ahead row excluded) or one pair for a single object
(NULL when the scope lets none through). A pair whose row has nested levels in the selection
carries them as ``"c0"``, ``"c1"``…: one per nested field — a pair or NULL (to-one), a list
of pairs (a list, or the page of a nested connection: its first ``size`` rows in its own
order, the look-ahead row excluded); past the width of one object, all of them in one array
``"c"``. Nested pairs name their GraphQL type as ``"t"``.

A nested pair is selected under the very conditions its level's JSON is — the link to the
parent row, ``RowScope.where``, filters, cursors, order and page size — so a row outside the
scope is never listed (it was never returned). What it costs: one more index lookup per
nested level and parent row, inside the statement; the statement count is unchanged.

How a row reaches its unit is the policy's knowledge (policies/scope.py ``unit_of``), passed
in, so the store keeps no second copy of those paths.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, literal, select
from sqlalchemy.sql.expression import CTE, Subquery

from store.repositories.graph.jsonsql import MAX_KEYS_PER_OBJECT, JsonSql
from store.repositories.graph.registry import Entity

# An aliased entity → the id of the insured unit its row belongs to, or None when the table
# is about no unit (insurers, agencies, regions…).
UnitOf = Callable[[Any], ColumnElement[Any] | None]

COLUMN = "audit"  # the page column holding one row's pair


@dataclass(frozen=True, slots=True)
class RowsSeen:
    """The rows one read returned: ``keys`` of the root level, ``nested`` (GraphQL type,
    key) of the levels below in response order (repeats possible: the same unit under two
    records), and the units of all of them."""

    keys: tuple[Any, ...] = ()
    units: frozenset[int] = frozenset()
    nested: tuple[tuple[str, Any], ...] = ()


def row_pair(
    json: JsonSql,
    spec: Entity,
    row: Any,
    unit_of: UnitOf,
    *,
    type_name: str | None = None,
    children: Sequence[ColumnElement[Any]] = (),
) -> ColumnElement[Any]:
    """One row's pair; ``type_name`` for nested rows, ``children`` their nested levels."""
    pairs = [("k", spec.column(row, spec.pk))]
    if type_name is not None:
        pairs.append(("t", literal(type_name)))
    unit = unit_of(row)
    if unit is not None:
        pairs.append(("u", unit))
    if len(pairs) + len(children) <= MAX_KEYS_PER_OBJECT:
        # One key per nested field, not an array around them: an array is one more level
        # of nesting, and SQLite's parser refuses statements nested too deep.
        pairs.extend((f"c{i}", child) for i, child in enumerate(children))
    else:
        pairs.append(("c", json.fixed_array(children)))
    return json.object(pairs)


def page_seen(json: JsonSql, page: CTE | Subquery, size: Any) -> ColumnElement[str]:
    """The pairs of the page's rows in the response (not the look-ahead row); ``size`` is
    the page size or the bind parameter holding it (a cached statement's)."""
    rows = select(json.array(page.c[COLUMN], [])).where(page.c.rn <= size).scalar_subquery()
    return json.as_text(json.embed(rows))


def object_seen(
    json: JsonSql, pair: ColumnElement[Any], *conditions: ColumnElement[bool]
) -> ColumnElement[str]:
    """The pair of the one row meeting ``conditions``; NULL when none does (out of scope)."""
    return json.as_text(json.embed(select(pair).where(*conditions).scalar_subquery()))


def parse(text: str | None) -> RowsSeen:
    if text is None:
        return RowsSeen()
    value = orjson.loads(text)
    roots = value if isinstance(value, list) else [value]
    keys = [p["k"] for p in roots]
    units: set[int] = set()
    nested: list[tuple[str, Any]] = []
    # Depth-first, children in selection order; a list, not recursion: the depth is the
    # client's (bounded by the operation limits, but no reason to lean on the stack).
    stack: list[Any] = list(reversed(roots))
    while stack:
        item = stack.pop()
        if item is None:
            continue  # a to-one hop with no row in scope
        if isinstance(item, list):
            stack.extend(reversed(item))
            continue
        if "t" in item:
            nested.append((item["t"], item["k"]))
        if item.get("u") is not None:
            units.add(item["u"])
        stack.extend(reversed([v for k, v in item.items() if k[0] == "c"]))
    return RowsSeen(keys=tuple(keys), units=frozenset(units), nested=tuple(nested))
