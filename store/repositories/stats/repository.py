"""The stats repository: at most two statements per stats call, whatever the grouping."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import RegionLevel, ServiceCategory
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.stats.bounds import bounds_statement
from store.repositories.stats.spec import MEASURES, Dimension, EventBounds, StatsRow, StatsSpec
from store.repositories.stats.statement import stats_statement


def _earliest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


class StatsRepository:
    """Aggregates in SQL only. Every table a statement reads carries ``scope.where`` for it,
    so a narrower scope trims the figures inside the database (issue 4)."""

    def __init__(self, session: AsyncSession, scope: RowScope = EVERYTHING) -> None:
        self.session = session
        self.scope = scope

    async def bounds(self, spec: StatsSpec, *, policies: bool) -> EventBounds:
        row = (
            await self.session.execute(bounds_statement(spec, self.scope, policies=policies))
        ).one()
        p_first: date | None = row.p_first
        p_end: date | None = row.p_end
        return EventBounds(
            first_deadline_event=_earliest(row.s_first, row.c_first),
            last_deadline_event=_latest(row.s_last, row.c_last),
            first_policy_day=p_first,
            policy_end=p_end,
        )

    async def groups(self, spec: StatsSpec) -> list[StatsRow]:
        result = await self.session.execute(stats_statement(spec, self.scope))
        dims = set(spec.dimensions)
        rows: list[StatsRow] = []
        for row in result.mappings():
            category = row.get(Dimension.CATEGORY.value) if Dimension.CATEGORY in dims else None
            level = row.get("region_level")
            rows.append(
                StatsRow(
                    region_code=row.get(Dimension.REGION.value),
                    region_name=row.get("region_name"),
                    region_level=RegionLevel(level) if level is not None else None,
                    industry_code=row.get(Dimension.INDUSTRY.value),
                    industry_name=row.get("industry_name"),
                    insurer_id=row.get(Dimension.INSURER.value),
                    insurer_name=row.get("insurer_name"),
                    year=row.get(Dimension.YEAR.value),
                    # The union loses the enum type (some families have no category).
                    category=ServiceCategory(category) if category is not None else None,
                    # PostgreSQL sums bigints into NUMERIC: back to int, exactly.
                    measures={m: int(row[m]) for m in MEASURES},
                )
            )
        return rows
