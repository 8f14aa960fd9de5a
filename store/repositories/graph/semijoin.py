"""One semi-join where the scope and the filters each name the same key of another table.

A regulator's page of service records filtered by a region holds two conditions on the same
column: ``unit_id IN (SELECT id FROM insured_unit WHERE <jurisdiction>)`` from the scope
compiler and ``unit_id IN (SELECT id FROM insured_unit WHERE <region>)`` from the filter.
PostgreSQL then scans the units twice and probes a hash with every record of the
jurisdiction; one ``unit_id IN (SELECT id FROM insured_unit WHERE <jurisdiction> AND
<region>)`` lets it start from the few units meeting both (bench/RESULTS.md, issue 3: a
100-row page 189–203 ms against 62–84 ms). The rewrite is exact: both subqueries select the
same table's single-column primary key, so the intersection of the two key sets is the set of
keys of the rows meeting both conditions. Any other condition is kept as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, Table
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression
from sqlalchemy.sql.selectable import ScalarSelect


def _keys_of(condition: ColumnElement[bool]) -> tuple[Any, Select[Any]] | None:
    """``(column, subquery)`` of ``column IN (SELECT t.pk FROM t WHERE …)`` with nothing
    else in the subquery (no join, grouping, limit or distinct); None for anything else."""
    if not isinstance(condition, BinaryExpression) or condition.operator is not operators.in_op:
        return None
    right = condition.right
    if not isinstance(right, ScalarSelect) or not isinstance(right.element, Select):
        return None
    subquery: Select[Any] = right.element
    if (
        len(subquery.selected_columns) != 1
        or subquery.whereclause is None
        or subquery._group_by_clauses
        or subquery._having_criteria
        or subquery._limit_clause is not None
        or subquery._offset_clause is not None
        or subquery._distinct
    ):
        return None
    (key,) = subquery.selected_columns
    table = getattr(key, "table", None)
    if not isinstance(table, Table) or subquery.get_final_froms() != [table]:
        return None
    primary = list(table.primary_key.columns)
    if len(primary) != 1 or not key.compare(primary[0]):
        return None
    return condition.left, subquery


def merged(conditions: Sequence[ColumnElement[bool]]) -> list[ColumnElement[bool]]:
    """``conditions`` (AND-ed) with every group of ``c IN (SELECT t.pk FROM t WHERE p_i)`` on
    the same ``c`` and ``t`` folded into one ``c IN (SELECT t.pk FROM t WHERE p_1 AND …)`` at
    the place of the first."""
    kept: list[ColumnElement[bool]] = []
    groups: list[tuple[int, Any, Select[Any]]] = []  # (place in kept, column, subquery)
    for condition in conditions:
        found = _keys_of(condition)
        if found is None:
            kept.append(condition)
            continue
        column, subquery = found
        (key,) = subquery.selected_columns
        for number, (place, other_column, other) in enumerate(groups):
            if other_column.compare(column) and other.selected_columns[0].compare(key):
                condition_of_rows = subquery.whereclause
                assert condition_of_rows is not None  # _keys_of checked it
                both = other.where(condition_of_rows)
                if not subquery._auto_correlate:
                    both = both.correlate(None)
                groups[number] = (place, other_column, both)
                kept[place] = other_column.in_(both)
                break
        else:
            groups.append((len(kept), column, subquery))
            kept.append(condition)
    return kept
