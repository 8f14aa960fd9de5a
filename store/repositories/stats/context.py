"""What every measure family needs while it builds its part of the statement."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    SQLColumnExpression,
    Subquery,
    select,
)
from sqlalchemy.orm import join

from store.enums import ServiceCategory
from store.repositories.base import RowScope
from store.repositories.stats.calendar import calendar_rows
from store.repositories.stats.deadlines import day_start
from store.repositories.stats.implied import via_parent, via_unit
from store.repositories.stats.spec import MEASURES, Dimension, StatsSpec
from store.repositories.stats.sql import (
    day_number,
    month_of,
    months_cte,
    number,
    year_of,
    years_cte,
)
from store.repositories.stats.units import UNIT_DIMENSIONS, units_subquery


@dataclass
class Build:
    spec: StatsSpec
    scope: RowScope
    dialect: str  # the calendar is bound in the form the backend reads (calendar.py)

    @cached_property
    def calendar(self) -> Subquery:
        return calendar_rows(self.spec.calendar, self.dialect)

    def calendar_day(self, instant: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        """Join condition: the calendar row of the day ``instant`` falls on in China."""
        return self.calendar.c.day == day_number(instant)

    @cached_property
    def years(self) -> CTE:
        return years_cte(self.spec.years)

    @cached_property
    def months(self) -> CTE:
        return months_cte(self.spec.months)

    @cached_property
    def units(self) -> Subquery | None:
        # A subquery, not a CTE: PostgreSQL materialises a CTE used by several families and
        # then plans every join with it blind (no statistics); inlined, it knows insured_unit.
        return units_subquery(self.spec, self.scope)

    @property
    def by_year(self) -> bool:
        return Dimension.YEAR in self.spec.dimensions

    @property
    def by_month(self) -> bool:
        return Dimension.MONTH in self.spec.dimensions

    def periods(self, day: SQLColumnExpression[Any]) -> list[ColumnElement[int]]:
        """The YEAR and MONTH keys asked for, of an event whose day in China is ``day``."""
        keys: list[ColumnElement[int]] = []
        if self.by_year:
            keys.append(year_of(day).label(Dimension.YEAR.value))
        if self.by_month:
            keys.append(month_of(day).label(Dimension.MONTH.value))
        return keys

    @property
    def has_category_filter(self) -> bool:
        """Rows without a category (policies, complaints, ledger) drop out under this filter."""
        return bool(self.spec.filter.categories)

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

    def unit_keys(self, source: Subquery | None = None) -> list[ColumnElement[Any]]:
        """The unit's own group keys (region, industry) asked for: the units subquery's
        columns, or the same-named columns of ``source`` that carries them on."""
        names = [d.value for d in self.spec.ordered_dimensions if d in UNIT_DIMENSIONS]
        if source is not None:
            return [source.c[name] for name in names]
        units = self.units
        return [units.c[name] for name in names] if units is not None else []

    def source(self, entity: Any, unit_id: Any) -> Any:
        """Where a family's rows start: the filtered units joined to ``entity`` on its
        ``unit_id``, or ``entity`` alone when no unit filter or unit dimension needs them.
        The units come first, inside the row source: PostgreSQL then narrows to them before
        a family's per-row work and aggregation, not after (a regulator's province would
        otherwise cost the whole country's per-record work), and with this many joins it
        keeps the order it is given (``join_collapse_limit``)."""
        units = self.units
        if units is None:
            return entity
        return join(units, entity, units.c.unit_id == unit_id)

    def where(self, entity: Any, unit_id: Any) -> list[ColumnElement[bool]]:
        """The scope's condition on ``entity``, whose rows start from ``source`` joined on
        ``unit_id``; left out when that join already enforces it (``implied.py``)."""
        if self.units is not None and via_unit(self.scope, entity, unit_id):
            return []
        return [self.scope.where(entity)]

    def where_child(self, child: Any, foreign_key: Any, parent: Any) -> list[ColumnElement[bool]]:
        """The scope's condition on ``child``, read only joined to scoped rows of ``parent``
        on ``foreign_key``; left out when that join already enforces it (``implied.py``)."""
        if via_parent(self.scope, child, foreign_key, parent):
            return []
        return [self.scope.where(child)]

    def grouped(self, rows: Subquery, measures: Mapping[str, ColumnElement[Any]]) -> Select[Any]:
        """One family's groups: its ``rows`` (started from ``source`` and carrying
        ``unit_keys``, so every dimension has its column) grouped by the dimensions.
        Measures the family does not have are 0, so every family's select lines up for the
        UNION ALL."""
        keys = [rows.c[d.value] for d in self.spec.ordered_dimensions]
        unknown = set(measures) - set(MEASURES)
        assert not unknown, f"measures not declared in MEASURES: {unknown}"
        columns = [measures.get(name, number(0)).label(name) for name in MEASURES]
        labelled = [
            key.label(d.value) for key, d in zip(keys, self.spec.ordered_dimensions, strict=True)
        ]
        return select(*labelled, *columns).select_from(rows).group_by(*keys)
