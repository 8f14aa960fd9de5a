"""The stats repository: one aggregate statement per stats call, whatever the grouping (and
the policies' span first when grouping by YEAR or MONTH over an open range); on PostgreSQL
preceded by the plan setting below."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import RegionLevel, ServiceCategory
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.stats.bounds import policy_span_statement
from store.repositories.stats.cache import StatementCache
from store.repositories.stats.deadlines import TODAY, day_start
from store.repositories.stats.spec import MEASURES, Dimension, PolicySpan, StatsRow, StatsSpec
from store.repositories.stats.statement import stats_statement

# PostgreSQL turns a prepared statement's plan generic after five executions unless that
# looks costlier. Here the plan hangs on the values (a province is 4% of the units, a county
# far less, the country all): the generic one, made for an average region code, ran the
# league about 1.5x slower, and the hand-written province x industry one 10x (bench/
# RESULTS.md). So custom plans, for the rest of the request's transaction (SET LOCAL).
CUSTOM_PLANS = "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"
STATEMENTS = StatementCache()  # per process: built statements outlive the request


class StatsRepository:
    """Aggregates in SQL only. Every table a statement reads carries ``scope.where`` for it,
    so a narrower scope trims the figures inside the database (issue 4)."""

    def __init__(self, session: AsyncSession, scope: RowScope = EVERYTHING) -> None:
        self.session = session
        self.scope = scope

    async def policy_span(self, spec: StatsSpec) -> PolicySpan:
        row = (await self.session.execute(policy_span_statement(spec, self.scope))).one()
        first_day: date | None = row.first_day
        end: date | None = row.end
        return PolicySpan(first_day=first_day, end=end)

    async def groups(self, spec: StatsSpec) -> list[StatsRow]:
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            # Straight to the driver: a fixed text, nothing to compile or look up.
            await (await self.session.connection()).exec_driver_sql(CUSTOM_PLANS)
        statement = STATEMENTS.statement(
            spec, self.scope, dialect, lambda: stats_statement(spec, self.scope, dialect)
        )
        result = await self.session.execute(statement, {TODAY: day_start(spec.as_of)})
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
                    month=row.get(Dimension.MONTH.value),
                    # The union loses the enum type (some families have no category).
                    category=ServiceCategory(category) if category is not None else None,
                    # PostgreSQL sums bigints into NUMERIC: back to int, exactly.
                    measures={m: int(row[m]) for m in MEASURES},
                )
            )
        return rows
