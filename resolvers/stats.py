"""The ``stats`` root field: parse the arguments, call ``services.stats``, map the report."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated, Any

import strawberry

from resolvers.context import Info
from resolvers.errors import graphql_error
from schema import stats as gql
from schema.ids import BadGlobalId, global_id, parse_int_id
from services.errors import FieldError, InputError
from services.stats import Dimension, StatsFilterInput, StatsInput, compute_stats
from services.stats_report import Deadline, Rate, StatsGroup, StatsReport
from services.working_days import china_today
from store.enums import RegionLevel


def _insurer_ids(values: list[strawberry.ID]) -> list[int]:
    ids, errors = [], []
    for i, value in enumerate(values):
        try:
            ids.append(parse_int_id(str(value), "Insurer"))
        except BadGlobalId:
            errors.append(
                FieldError(
                    "BAD_GLOBAL_ID",
                    f"filter.insurers[{i}]",
                    "应为保险机构全局 ID（Insurer:<主键>）",
                    "must be an insurer's global id (Insurer:<key>)",
                )
            )
    if errors:
        raise InputError(errors)
    return ids


def _input(
    group_by: list[Dimension], stats_filter: gql.StatsFilter | None, region_level: RegionLevel
) -> StatsInput:
    f = stats_filter or gql.StatsFilter()
    return StatsInput(
        group_by=group_by,
        region_level=region_level,
        filter=StatsFilterInput(
            region=f.region,
            industries=f.industries or (),
            insurer_ids=_insurer_ids(f.insurers or []),
            categories=f.categories or (),
            date_from=f.from_,
            date_to=f.to,
            above_designated_size=f.above_designated_size,
            high_risk_only=f.high_risk_only,
        ),
    )


def _rate(rate: Rate) -> gql.StatsRate:
    return gql.StatsRate(numerator=rate.numerator, denominator=rate.denominator, ratio=rate.ratio)


def _deadline(d: Deadline) -> gql.StatsDeadline:
    return gql.StatsDeadline(
        rule=d.rule,
        working_days=d.working_days,
        on_time=d.on_time,
        late=d.late,
        overdue=d.overdue,
        pending=d.pending,
        unknown_deadline=d.unknown,
        on_time_rate=_rate(d.on_time_rate),
    )


def _group(g: StatsGroup) -> gql.StatsGroup:
    s, sat, a, c, h = g.services, g.satisfaction, g.archive, g.complaints, g.major_hazards
    return gql.StatsGroup(
        region=gql.StatsRegion(code=g.region.code, name=g.region.name, level=g.region.level)
        if g.region
        else None,
        industry=gql.StatsIndustry(code=str(g.industry.key), name=g.industry.name)
        if g.industry
        else None,
        insurer=gql.StatsInsurer(
            id=strawberry.ID(global_id("Insurer", g.insurer.key)), name=g.insurer.name
        )
        if g.insurer
        else None,
        year=g.year,
        category=g.category,
        units_covered=g.units_covered,
        services=gql.StatsServices(
            delivered=s.delivered,
            by_category=[gql.StatsCategoryCount(category=k, count=n) for k, n in s.by_category],
        ),
        satisfaction=gql.StatsSatisfaction(
            responses=sat.responses,
            score_sum=sat.score_sum,
            average=sat.average,
            distribution=[gql.StatsScoreCount(score=k, count=n) for k, n in sat.distribution],
        ),
        follow_up=_deadline(g.follow_up),
        archive=gql.StatsArchive(
            confirmed=a.confirmed,
            disputed=a.disputed,
            unconfirmed=a.unconfirmed,
            confirmed_rate=_rate(a.confirmed_rate),
            organised=_deadline(a.organised),
        ),
        complaints=gql.StatsComplaints(
            filed=c.filed,
            answered=c.answered,
            answered_rate=_rate(c.answered_rate),
            needing_verification=c.needing_verification,
            answer=_deadline(c.answer),
            verified_answer=_deadline(c.verified_answer),
        ),
        fees=gql.StatsFees(
            income=g.fees.income, expenditure=g.fees.expenditure, balance=g.fees.balance
        ),
        major_hazards=gql.StatsMajorHazards(
            found=h.found, told=h.told, untold=h.untold, told_rate=_rate(h.told_rate)
        ),
    )


def _result(report: StatsReport) -> gql.StatsResult:
    return gql.StatsResult(
        group_by=list(report.group_by),
        region_level=report.region_level,
        rules_version=report.rules_version,
        as_of=report.as_of,
        groups=[_group(g) for g in report.groups],
    )


async def stats(
    info: Info,
    group_by: list[Dimension],
    filter_: Annotated[gql.StatsFilter | None, strawberry.argument(name="filter")] = None,
    region_level: RegionLevel = RegionLevel.PROVINCE,
) -> gql.StatsResult:
    context: Any = info.context
    # `aggregate` is its own right (policies/policy.csv): figures without rows.
    scope = context.aggregate_scope
    try:
        data = _input(group_by, filter_, region_level)
        # Sibling root fields run concurrently and share the request's session.
        async with getattr(context, "db_lock", None) or nullcontext():
            report = await compute_stats(context.session, data, today=china_today(), scope=scope)
    except InputError as error:
        raise graphql_error(error) from error
    return _result(report)


@strawberry.type
class StatsQuery:
    stats: gql.StatsResult = strawberry.field(
        resolver=stats,
        description="统计看板：按维度分组的汇总，全部在数据库中计算 / dashboard aggregates "
        "grouped by the given dimensions, computed in SQL (semantics: services/stats.py)",
    )
