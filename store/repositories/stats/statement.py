"""The one aggregate statement: every family's groups, UNION ALL, summed per group, labelled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, SQLColumnExpression, func, select, union_all

from store.models.industry import Industry
from store.models.insurer import Insurer
from store.models.region import Region
from store.repositories.base import RowScope
from store.repositories.stats.complaints import complaints
from store.repositories.stats.context import Build
from store.repositories.stats.coverage import coverage
from store.repositories.stats.hazards import major_hazards
from store.repositories.stats.ledger import ledger
from store.repositories.stats.satisfaction import satisfaction
from store.repositories.stats.services import services
from store.repositories.stats.spec import MEASURES, Dimension, StatsSpec
from store.repositories.stats.sql import number

Family = Callable[[Build], Select[Any]]

FAMILIES: tuple[Family, ...] = (coverage, services, satisfaction, major_hazards)
# Complaints and ledger entries have no service category: a category filter leaves none.
UNCATEGORISED_FAMILIES: tuple[Family, ...] = (complaints, ledger)


def stats_statement(spec: StatsSpec, scope: RowScope, dialect: str) -> Select[Any]:
    """Each family aggregates its own rows per group; the union then adds the families'
    figures per group (each measure comes from one family, the others contribute 0)."""
    build = Build(spec, scope, dialect)
    families = FAMILIES if build.has_category_filter else FAMILIES + UNCATEGORISED_FAMILIES
    facts = union_all(*(family(build) for family in families)).subquery("facts")
    dims = spec.ordered_dimensions
    keys = [facts.c[d.value] for d in dims]
    sums = [func.coalesce(func.sum(facts.c[m]), number(0)).label(m) for m in MEASURES]
    groups = select(*keys, *sums).group_by(*keys).subquery("stats_groups")
    return labelled(groups, dims, scope)


def labelled(groups: Any, dims: tuple[Dimension, ...], scope: RowScope) -> Select[Any]:
    """Names for the group keys, joined after aggregation (a handful of rows). A label the
    scope hides reads as NULL; the group itself stays."""
    stmt = select(groups)
    labels: list[SQLColumnExpression[Any]] = []
    if Dimension.REGION in dims:
        key = groups.c[Dimension.REGION.value]
        stmt = stmt.outerjoin(Region, (Region.code == key) & scope.where(Region))
        labels += [Region.name.label("region_name"), Region.level.label("region_level")]
    if Dimension.INDUSTRY in dims:
        key = groups.c[Dimension.INDUSTRY.value]
        stmt = stmt.outerjoin(Industry, (Industry.code == key) & scope.where(Industry))
        labels.append(Industry.name.label("industry_name"))
    if Dimension.INSURER in dims:
        key = groups.c[Dimension.INSURER.value]
        stmt = stmt.outerjoin(Insurer, (Insurer.id == key) & scope.where(Insurer))
        labels.append(Insurer.name.label("insurer_name"))
    order = [groups.c[d.value].asc().nulls_last() for d in dims]
    return stmt.add_columns(*labels).order_by(*order)
