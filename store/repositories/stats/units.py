"""The insured units a stats query counts, with the region group each one rolls up to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, Subquery, select
from sqlalchemy.orm import aliased

from store.enums import RegionLevel
from store.models.industry import Industry
from store.models.insured_unit import InsuredUnit
from store.models.region import Region
from store.models.region_ancestor import RegionAncestor
from store.repositories.base import RowScope
from store.repositories.stats.implied import own_rows
from store.repositories.stats.spec import Dimension, StatsSpec

# The dimensions that are the unit's own: the units subquery carries them, by these names.
UNIT_DIMENSIONS: frozenset[Dimension] = frozenset({Dimension.REGION, Dimension.INDUSTRY})

# Levels from the top down; a region's ancestors always sit strictly higher in this list.
LEVELS: tuple[RegionLevel, ...] = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


def at_or_above(level: RegionLevel) -> tuple[RegionLevel, ...]:
    return LEVELS[: LEVELS.index(level) + 1]


def region_rollup(level: RegionLevel, scope: RowScope) -> Subquery:
    """(region_code, group_code): each region's nearest ancestor-or-self at or above ``level``.

    Usually that is the ancestor at ``level`` itself. A region with none there groups under
    the nearest one above: 419001 济源市 (a county-level city under 410000 河南省) groups
    under 410000 when grouping by city; a unit registered at a city groups under that city
    when grouping by county. One row per region, from the closure table, no digit arithmetic.
    """
    levels = at_or_above(level)
    ra, a = aliased(RegionAncestor), aliased(Region)
    ancestors = (
        select(ra.region_code, ra.ancestor_code.label("group_code"))
        .join(a, a.code == ra.ancestor_code)
        .where(a.level.in_(levels), scope.where(ra), scope.where(a))
    )
    if len(levels) == 1:
        # One level only (the top): a region has at most one ancestor there, so it is the
        # nearest; the test below cost a probe per region and family (bench/RESULTS.md).
        return ancestors.subquery("rollup")
    rb, b = aliased(RegionAncestor), aliased(Region)
    nearer = (
        select(rb.region_code)
        .join(b, b.code == rb.ancestor_code)
        .where(
            rb.region_code == ra.region_code,
            rb.depth < ra.depth,
            b.level.in_(levels),
            scope.where(rb),
            scope.where(b),
        )
    )
    return ancestors.where(~nearer.exists()).subquery("rollup")


def in_jurisdiction(
    region_code: SQLColumnExpression[str], code: str, scope: RowScope
) -> ColumnElement[bool]:
    """The region is ``code`` or lies below it: one closure lookup, never a string prefix."""
    ra = aliased(RegionAncestor)
    below = select(ra.region_code).where(ra.ancestor_code == code, scope.where(ra))
    return region_code.in_(below)


def units_subquery(spec: StatsSpec, scope: RowScope) -> Subquery | None:
    """Filtered units with their group keys, or ``None`` when nothing needs the unit table
    (no unit filter and no grouping by region or industry): the facts then stand alone."""
    dims = spec.dimensions
    f = spec.filter
    if not f.unit_filtered and Dimension.REGION not in dims and Dimension.INDUSTRY not in dims:
        return None
    u = InsuredUnit
    columns: list[ColumnElement[Any]] = [u.id.label("unit_id")]
    # The scope's test read on the unit itself (implied.py): one scan of the units, not two.
    stmt = select().select_from(u).where(own_rows(scope, u))
    if Dimension.REGION in dims:
        rollup = region_rollup(spec.region_level, scope)
        stmt = stmt.outerjoin(rollup, rollup.c.region_code == u.region_code)
        columns.append(rollup.c.group_code.label(Dimension.REGION.value))
    if Dimension.INDUSTRY in dims:
        columns.append(u.industry_code.label(Dimension.INDUSTRY.value))
    if f.high_risk_categories:
        stmt = stmt.join(
            Industry,
            (Industry.code == u.industry_code)
            & Industry.high_risk_category.in_(f.high_risk_categories)
            & scope.where(Industry),
        )
    if f.region_code is not None:
        stmt = stmt.where(in_jurisdiction(u.region_code, f.region_code, scope))
    if f.industry_codes:
        stmt = stmt.where(u.industry_code.in_(f.industry_codes))
    if f.above_designated_size is not None:
        stmt = stmt.where(u.above_designated_size.is_(f.above_designated_size))
    return stmt.add_columns(*columns).subquery("units")
