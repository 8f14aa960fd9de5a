"""Units covered: distinct units with a policy in force during the range, or a service
completed in it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, SQLColumnExpression, func, select, union

from store.models.insurance_policy import InsurancePolicy
from store.models.service_record import ServiceRecord
from store.repositories.stats.context import Build
from store.repositories.stats.spec import Dimension
from store.repositories.stats.sql import local_day, no_category


def _keys(
    build: Build,
    unit_id: SQLColumnExpression[int],
    insurer_id: SQLColumnExpression[int],
    category: SQLColumnExpression[Any],
) -> list[SQLColumnExpression[Any]]:
    """The unit and the dimensions of the row itself (the unit's own follow with the unit,
    ``Build.unit_keys``): the UNION then keeps one row per unit and group, and counting rows
    counts distinct units (a hash DISTINCT; COUNT(DISTINCT) would sort)."""
    dims = build.spec.dimensions
    keys: list[SQLColumnExpression[Any]] = [unit_id.label("unit_id")]
    if Dimension.INSURER in dims:
        keys.append(insurer_id.label(Dimension.INSURER.value))
    if Dimension.CATEGORY in dims:
        keys.append(category.label(Dimension.CATEGORY.value))
    return keys


def _policies(build: Build) -> Select[Any]:
    """A policy's period [start, end) overlapping the range; grouped by year (month), one row
    per calendar year (month) it overlaps, clipped to the range, since a policy year rarely
    is one."""
    p = InsurancePolicy
    columns = _keys(build, p.unit_id, p.insurer_id, no_category())
    stmt = (
        select()
        .select_from(build.source(p, p.unit_id))
        .where(*build.where(p, p.unit_id), *build.insurer_in(p.insurer_id))
    )
    if build.by_month:
        # One row per calendar month the policy overlaps; its year comes with the month.
        m = build.months
        stmt = stmt.join_from(p, m, (p.period_start < m.c.m_end) & (p.period_end > m.c.m_start))
        if build.by_year:
            columns.append(m.c.y.label(Dimension.YEAR.value))
        columns.append(m.c.m.label(Dimension.MONTH.value))
    elif build.by_year:
        y = build.years
        stmt = stmt.join_from(p, y, (p.period_start < y.c.y_end) & (p.period_end > y.c.y_start))
        columns.append(y.c.y.label(Dimension.YEAR.value))
    else:
        f = build.spec.filter
        if f.to_day is not None:
            stmt = stmt.where(p.period_start < f.to_day)
        if f.from_day is not None:
            stmt = stmt.where(p.period_end > f.from_day)
    return stmt.add_columns(*columns, *build.unit_keys())


def _services(build: Build) -> Select[Any]:
    s = ServiceRecord
    columns = _keys(build, s.unit_id, s.insurer_id, s.category)
    columns += build.periods(local_day(s.completed_at))
    return (
        select(*columns, *build.unit_keys())
        .select_from(build.source(s, s.unit_id))
        .where(
            *build.where(s, s.unit_id),
            s.completed_at.is_not(None),
            *build.during(s.completed_at),
            *build.insurer_in(s.insurer_id),
            *build.category_in(s.category),
        )
    )


def coverage(build: Build) -> Select[Any]:
    services = _services(build)
    if build.has_category_filter:  # a policy has no category: services only
        rows = services.distinct().subquery("coverage_rows")
    else:
        rows = union(_policies(build), services).subquery("coverage_rows")
    return build.grouped(rows, {"units_covered": func.count()})
