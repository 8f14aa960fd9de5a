"""Scope conditions a join already enforces, so the statement may leave them out.

Every table a stats statement reads carries ``scope.where`` for it, and the scope is opaque
(``RowScope``). Under a regulator's scope that means, per family, the same "unit inside the
jurisdiction" test on each table and, for follow-ups and hazards, "its service record is
visible" as a second pass over the records: PostgreSQL evaluates each one per row, about
twice the cost of the figures themselves on a province (bench/RESULTS.md). Two shapes are
recognised, read off the scope's own conditions, never assumed from the policy:

- a table joined to the scoped units on its ``unit_id``, whose condition is
  ``unit_id IN (q)`` while the unit's own is ``id IN (q)`` for the same ``q``;
- a child joined to its scoped parent on ``fk = parent.id``, whose condition is
  ``fk IN (SELECT a.id FROM <parent> a WHERE <the scope's condition on a>)``.

In both the joined row's visibility is the very test, so it holds. Two more, exact by the
same reading: a unit's own condition ``id IN (SELECT id FROM insured_unit WHERE p)`` is ``p``
on the row itself (``own_rows``); and a row whose condition is its unit's, joined to a
visible row of the same unit, needs no test (``same_unit``). Anything else (another policy,
several grants OR-ed) is applied as given: a different scope costs speed, never correctness.
Subqueries are compared by SQLAlchemy cache key (structure, with anonymous aliases numbered
by position) and their bound values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.selectable import Alias, ScalarSelect

from store.models.insured_unit import InsuredUnit
from store.repositories.base import RowScope


def _in_subquery(condition: ColumnElement[bool], column: Any) -> Select[Any] | None:
    """The subquery of ``column IN (subquery)``; ``None`` for any other condition."""
    if not isinstance(condition, BinaryExpression) or condition.operator is not operators.in_op:
        return None
    if not condition.left.compare(column.expression) or not isinstance(
        condition.right, ScalarSelect
    ):
        return None
    subquery = condition.right.element
    return subquery if isinstance(subquery, Select) else None


def _same(a: Any, b: Any) -> bool:
    """Same SQL with the same bound values."""
    key_a, key_b = a._generate_cache_key(), b._generate_cache_key()
    if key_a is None or key_b is None or key_a.key != key_b.key:
        return False
    values_a = [p.effective_value for p in key_a.bindparams]
    values_b = [p.effective_value for p in key_b.bindparams]
    return values_a == values_b


def via_unit(scope: RowScope, entity: Any, unit_id: Any) -> bool:
    """Whether rows of ``entity`` joined to the scoped units on ``unit_id`` need no condition
    of their own: theirs is exactly "the unit is one the scope shows"."""
    own = _in_subquery(scope.where(entity), unit_id)
    units = _in_subquery(scope.where(InsuredUnit), InsuredUnit.id)
    return own is not None and units is not None and _same(own, units)


def via_parent(scope: RowScope, child: Any, foreign_key: Any, parent: Any) -> bool:
    """Whether rows of ``child`` joined to scoped rows of ``parent`` on ``foreign_key =
    parent.id`` need no condition of their own: theirs is exactly "the parent is visible"."""
    visible = _in_subquery(scope.where(child), foreign_key)
    # Compared first: reading a select's columns and FROMs memoises ORM state into it that
    # its cache key then reflects.
    if (
        visible is None
        or visible.whereclause is None
        or not _same(visible.whereclause, scope.where(aliased(parent)))
        or len(visible.selected_columns) != 1
    ):
        return False
    (key,) = visible.selected_columns
    froms = visible.get_final_froms()
    table = getattr(key, "table", None)
    return (
        getattr(key, "name", None) == "id"
        and isinstance(table, Alias)
        and table.original is parent.__table__
        and len(froms) == 1
        and froms[0] is table
    )


def same_unit(scope: RowScope, entity: Any, anchor: Any) -> bool:
    """Whether ``entity`` and ``anchor`` rows are visible by one test of their ``unit_id``
    (``unit_id IN (q)``, the same ``q``): then an ``entity`` row of a visible ``anchor`` row's
    own unit is visible too, and only rows of another unit need the test."""
    own = _in_subquery(scope.where(entity), entity.unit_id)
    theirs = _in_subquery(scope.where(anchor), anchor.unit_id)
    return own is not None and theirs is not None and _same(own, theirs)


def own_rows(scope: RowScope, entity: Any) -> ColumnElement[bool]:
    """The scope's condition on ``entity`` read on the row itself: ``id IN (SELECT id FROM
    <its table> WHERE p)`` is ``p`` (``id`` is the key), one scan fewer per use; any other
    condition as given."""
    condition = scope.where(entity)
    rows = _in_subquery(condition, entity.id)
    if rows is None or rows.whereclause is None or len(rows.selected_columns) != 1:
        return condition
    (key,) = rows.selected_columns
    froms = rows.get_final_froms()
    table = entity.__table__
    if getattr(key, "table", None) is not table or key.name != "id" or froms != [table]:
        return condition
    return rows.whereclause
