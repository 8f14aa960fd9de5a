"""What every measure family needs while it builds its part of the statement."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    Subquery,
    literal,
    select,
)

from store.enums import ServiceCategory
from store.repositories.base import RowScope
from store.repositories.stats.deadlines import calendar_cte, day_start
from store.repositories.stats.spec import MEASURES, Dimension, StatsSpec
from store.repositories.stats.sql import number, years_cte
from store.repositories.stats.units import units_subquery


@dataclass
class Build:
    spec: StatsSpec
    scope: RowScope

    @cached_property
    def calendar(self) -> CTE:
        return calendar_cte(self.spec.calendar)

    @cached_property
    def years(self) -> CTE:
        return years_cte(self.spec.years)

    @cached_property
    def units(self) -> Subquery | None:
        # A subquery, not a CTE: PostgreSQL materialises a CTE used by several families and
        # then plans every join with it blind (no statistics); inlined, it knows insured_unit.
        return units_subquery(self.spec, self.scope)

    @property
    def by_year(self) -> bool:
        return Dimension.YEAR in self.spec.dimensions

    @property
    def has_category_filter(self) -> bool:
        """Rows without a category (policies, complaints, ledger) drop out under this filter."""
        return bool(self.spec.filter.categories)

    def days(self, n: int) -> ColumnElement[int]:
        """A day count of the ruleset, bound (not a literal) so the SQL text stays the same
        under any ruleset."""
        return literal(n, Integer)

    def during(self, instant: SQLColumnExpression[Any]) -> list[ColumnElement[bool]]:
        """An event instant inside [from, to), both calendar days in China. Compared as
        instants so the columns' indexes serve."""
        f, conditions = self.spec.filter, []
        if f.from_day is not None:
            conditions.append(instant >= day_start(f.from_day))
        if f.to_day is not None:
            conditions.append(instant < day_start(f.to_day))
        return conditions

    def during_days(self, day: SQLColumnExpression[Any]) -> list[ColumnElement[bool]]:
        f, conditions = self.spec.filter, []
        if f.from_day is not None:
            conditions.append(day >= f.from_day)
        if f.to_day is not None:
            conditions.append(day < f.to_day)
        return conditions

    def insurer_in(self, insurer_id: SQLColumnExpression[int]) -> list[ColumnElement[bool]]:
        ids = self.spec.filter.insurer_ids
        return [insurer_id.in_(ids)] if ids else []

    def category_in(
        self, category: SQLColumnExpression[ServiceCategory]
    ) -> list[ColumnElement[bool]]:
        categories = self.spec.filter.categories
        return [category.in_(categories)] if categories else []

    def grouped(self, rows: Subquery, measures: Mapping[str, ColumnElement[Any]]) -> Select[Any]:
        """One family's groups: its ``rows`` (columns unit_id, insurer_id, category and, when
        grouping by year, year) joined to the filtered units and grouped by the dimensions.
        Measures the family does not have are 0, so every family's select lines up for the
        UNION ALL."""
        units = self.units
        source: Any = rows
        if units is not None:
            source = rows.join(units, units.c.unit_id == rows.c.unit_id)
        keys: list[ColumnElement[Any]] = []
        for dimension in self.spec.ordered_dimensions:
            if dimension in (Dimension.REGION, Dimension.INDUSTRY):
                assert units is not None  # units exist whenever these are asked for
                keys.append(units.c[dimension.value])
            else:
                keys.append(rows.c[dimension.value])
        unknown = set(measures) - set(MEASURES)
        assert not unknown, f"measures not declared in MEASURES: {unknown}"
        columns = [measures.get(name, number(0)).label(name) for name in MEASURES]
        labelled = [
            key.label(d.value) for key, d in zip(keys, self.spec.ordered_dimensions, strict=True)
        ]
        return select(*labelled, *columns).select_from(source).group_by(*keys)
