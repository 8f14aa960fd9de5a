"""The audit column of a compiled read (审计日志): which root rows the statement returned and
the insured units they belong to, computed in the same statement as the response JSON.

The column is ``[{"k": <primary key>, "u": <insured unit id>}, ...]`` ("u" absent for rows
about no unit), read from the rows the response holds: for a connection the page rows
(``rn <= size``, the look-ahead row excluded), for a single object that row when the scope
lets it through. Only the root level is listed; nested rows are not (README, "Audit log").
How a row reaches its unit is the policy's knowledge (policies/scope.py ``unit_of``), passed
in, so the store keeps no second copy of those paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, select
from sqlalchemy.sql.expression import CTE, Subquery

from store.repositories.graph.jsonsql import JsonSql
from store.repositories.graph.registry import Entity

# An aliased entity → the id of the insured unit its row belongs to, or None when the table
# is about no unit (insurers, agencies, regions…).
UnitOf = Callable[[Any], ColumnElement[Any] | None]

COLUMN = "audit"  # the page column holding one row's pair


@dataclass(frozen=True, slots=True)
class RowsSeen:
    keys: tuple[Any, ...] = ()
    units: frozenset[int] = frozenset()


def row_pair(json: JsonSql, spec: Entity, row: Any, unit_of: UnitOf) -> ColumnElement[Any]:
    pairs = [("k", spec.column(row, spec.pk))]
    unit = unit_of(row)
    if unit is not None:
        pairs.append(("u", unit))
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
    pairs = value if isinstance(value, list) else [value]
    return RowsSeen(
        keys=tuple(p["k"] for p in pairs),
        units=frozenset(p["u"] for p in pairs if p.get("u") is not None),
    )
