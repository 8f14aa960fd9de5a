"""Compliance findings counted by the stats' dimensions (合规率, issue 6 item 3): the field
``compliance`` of a stats group. One statement: the findings' own UNION ALL of per-rule
selects (``findings.finding_rows``, under the caller's read scope, no rule written twice),
grouped by the dimensions the stats query asks for, the rule and the state.

Keys of a finding:
    REGION    its unit's region rolled up to the level as the stats do (``region_rollup``);
    INDUSTRY  its unit's industry;
    INSURER   the finding's insurer;
    YEAR      the year in China of its event instant (completion, filing, policy start, the
              start of the year measured) — the instant the findings' from/to filter reads;
    MONTH     the month in China of that instant, year * 100 + month;
    CATEGORY  the service category of the service record a rule is about (R-6.3-followup,
              R-6.3-archive, R-6.1-scheme; R-6.2-major-hazard through the hazard's service);
              null for every other rule.
A finding without a unit (an insurer's own duty: R-7.1-staff, R-8.1-evaluation,
R-8.2-publication), or whose unit the caller may not read, has a null region and industry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from store.enums import HighRiskCategory, RegionLevel, ServiceCategory
from store.models.hazard import Hazard
from store.models.industry import Industry
from store.models.insured_unit import InsuredUnit
from store.models.service_record import ServiceRecord
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.findings import (
    SOON,
    FindingQuery,
    FindingRule,
    FindingState,
    finding_rows,
)
from store.repositories.stats.deadlines import TODAY, day_start
from store.repositories.stats.spec import Dimension
from store.repositories.stats.sql import local_day, month_of, year_of
from store.repositories.stats.statement import labelled
from store.repositories.stats.units import region_rollup

# Rules whose subject is a service record: they carry its category.
SERVICE_SUBJECTS: tuple[FindingRule, ...] = (
    FindingRule.FOLLOWUP,
    FindingRule.ARCHIVE,
    FindingRule.SCHEME,
    FindingRule.AGENCY_WORK,  # R-7.1-staff: a service given to a suspended agency
)


@dataclass(frozen=True, slots=True)
class ComplianceSpec:
    """The grouping and what the findings' own filter does not narrow by (the stats filter's
    unit and category conditions); the region, insurers and dates are in ``query``."""

    query: FindingQuery
    dimensions: tuple[Dimension, ...]  # in the statement's order (``ordered_dimensions``)
    region_level: RegionLevel
    industry_codes: tuple[str, ...] = ()
    above_designated_size: bool | None = None
    high_risk_categories: tuple[HighRiskCategory, ...] = ()
    categories: tuple[ServiceCategory, ...] = ()

    @property
    def needs_unit(self) -> bool:
        return bool(
            Dimension.REGION in self.dimensions
            or Dimension.INDUSTRY in self.dimensions
            or self.industry_codes
            or self.above_designated_size is not None
            or self.high_risk_categories
        )

    @property
    def needs_category(self) -> bool:
        return Dimension.CATEGORY in self.dimensions or bool(self.categories)


@dataclass(frozen=True, slots=True)
class ComplianceTally:
    """How many findings of one rule in one state fall in one group."""

    region_code: str | None
    region_name: str | None
    region_level: RegionLevel | None
    industry_code: str | None
    industry_name: str | None
    insurer_id: int | None
    insurer_name: str | None
    year: int | None
    month: int | None
    category: ServiceCategory | None
    rule: FindingRule
    state: FindingState
    count: int


def _category(source: Any, r: Any, scope: RowScope) -> tuple[Any, ColumnElement[Any]]:
    """``source`` (the findings ``r`` and their joins so far) joined to the service record
    a finding is about, and its category."""
    subject, through, service = aliased(ServiceRecord), aliased(Hazard), aliased(ServiceRecord)
    ranks = [rule.rank for rule in SERVICE_SUBJECTS]
    hazard = FindingRule.MAJOR_HAZARD.rank
    source = (
        source.outerjoin(subject, r.c.rule.in_(ranks) & (subject.id == r.c.subject_id))
        .outerjoin(through, (r.c.rule == hazard) & (through.id == r.c.subject_id))
        # The hazard was read under the scope; the service it names is read under it too.
        .outerjoin(service, (service.id == through.service_record_id) & scope.where(service))
    )
    return source, func.coalesce(subject.category, service.category)


def compliance_statement(spec: ComplianceSpec, scope: RowScope, dialect: str) -> Select[Any]:
    r = finding_rows(spec.query, scope, dialect)
    source: Any = r
    keys: dict[Dimension, Any] = {}  # columns and expressions
    conditions: list[ColumnElement[bool]] = []
    if spec.needs_unit:
        u = aliased(InsuredUnit)
        # A unit the caller may not read gives no region or industry (a null key).
        source = source.outerjoin(u, (u.id == r.c.unit_id) & scope.where(u))
        if Dimension.REGION in spec.dimensions:
            # The hierarchy is reference data, as in the findings' region filter
            # (``findings_sql.narrowed``): the read policy names regions, not their closure.
            rollup = region_rollup(spec.region_level, EVERYTHING)
            source = source.outerjoin(rollup, rollup.c.region_code == u.region_code)
            keys[Dimension.REGION] = rollup.c.group_code
        keys[Dimension.INDUSTRY] = u.industry_code
        if spec.industry_codes:
            conditions.append(u.industry_code.in_(spec.industry_codes))
        if spec.above_designated_size is not None:
            conditions.append(u.above_designated_size.is_(spec.above_designated_size))
        if spec.high_risk_categories:
            industry = aliased(Industry)
            source = source.join(
                industry,
                (industry.code == u.industry_code)
                & industry.high_risk_category.in_(spec.high_risk_categories)
                & scope.where(industry),
            )
    if spec.needs_category:
        source, category = _category(source, r, scope)
        keys[Dimension.CATEGORY] = category
        if spec.categories:
            conditions.append(category.in_(spec.categories))
    keys[Dimension.INSURER] = r.c.insurer_id
    keys[Dimension.YEAR] = year_of(local_day(r.c.event_at))
    keys[Dimension.MONTH] = month_of(local_day(r.c.event_at))
    chosen = [keys[d].label(d.value) for d in spec.dimensions]
    grouped = (
        select(*chosen, r.c.rule.label("rule"), r.c.state.label("state"), func.count().label("n"))
        .select_from(source)
        .where(*conditions)
        .group_by(*(keys[d] for d in spec.dimensions), r.c.rule, r.c.state)
        .subquery("compliance_groups")
    )
    stmt = labelled(grouped, spec.dimensions, scope)
    return stmt.order_by(grouped.c.rule, grouped.c.state)


class ComplianceRepository:
    def __init__(self, session: AsyncSession, scope: RowScope = EVERYTHING) -> None:
        self.session = session
        self.scope = scope

    async def tallies(self, spec: ComplianceSpec) -> tuple[ComplianceTally, ...]:
        """One statement; every finding worked out and counted in the database."""
        dialect = self.session.get_bind().dialect.name
        statement = compliance_statement(spec, self.scope, dialect)
        q = spec.query
        result = await self.session.execute(
            statement, {TODAY: day_start(q.today), SOON: day_start(q.soon_day)}
        )
        dims = set(spec.dimensions)
        tallies = []
        for row in result.mappings():
            category = row.get(Dimension.CATEGORY.value) if Dimension.CATEGORY in dims else None
            level = row.get("region_level")
            year = row.get(Dimension.YEAR.value)
            month = row.get(Dimension.MONTH.value)
            tallies.append(
                ComplianceTally(
                    region_code=row.get(Dimension.REGION.value),
                    region_name=row.get("region_name"),
                    region_level=RegionLevel(level) if level is not None else None,
                    industry_code=row.get(Dimension.INDUSTRY.value),
                    industry_name=row.get("industry_name"),
                    insurer_id=row.get(Dimension.INSURER.value),
                    insurer_name=row.get("insurer_name"),
                    year=int(year) if year is not None else None,
                    month=int(month) if month is not None else None,
                    category=ServiceCategory(category) if category is not None else None,
                    rule=FindingRule.of_rank(int(row["rule"])),
                    state=FindingState(row["state"]),
                    count=int(row["n"]),
                )
            )
        return tuple(tallies)
