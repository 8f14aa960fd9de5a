"""The ``stats`` root field: parse the arguments, call ``services.stats``, hand graphql-core
the report already in the selection's shape."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Annotated, Any

import strawberry
from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type

from resolvers.compiled.execution import Precompleted
from resolvers.compiled.selection import TreeBuilder
from resolvers.context import Info, RequestContext
from resolvers.errors import graphql_error
from resolvers.filter_ids import insurer_ids
from resolvers.stats_selection import Projection
from schema import stats as gql
from schema.ids import global_id
from services.errors import InputError
from services.rulesets import DEFAULT_RULESET, chosen
from services.stats import (
    CellSuppression,
    Dimension,
    StatsFilterInput,
    StatsInput,
    compute_stats,
    keep_every_cell,
    stats_rules,
)
from services.stats_compliance import ComplianceRequest
from services.stats_report import Deadline, Rate, RuleCompliance, StatsGroup, StatsReport
from services.stats_suppression import DEFAULT_MIN_CELL_UNITS, SmallCells
from services.working_days import china_today
from store.enums import RegionLevel, Role


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
            insurer_ids=insurer_ids(f.insurers or []),
            categories=f.categories or (),
            date_from=f.from_,
            date_to=f.to,
            above_designated_size=f.above_designated_size,
            high_risk_only=f.high_risk_only,
        ),
    )


# The report as plain values keyed by the schema's field names (schema/stats.py), for
# ``Projection``; tests/resolvers/test_stats_query.py checks every field is there.
Tree = dict[str, Any]


def _rate(rate: Rate) -> Tree:
    return {"numerator": rate.numerator, "denominator": rate.denominator, "ratio": rate.ratio}


def _deadline(d: Deadline) -> Tree:
    return {
        "rule": d.rule,
        "workingDays": d.working_days,
        "onTime": d.on_time,
        "late": d.late,
        "overdue": d.overdue,
        "pending": d.pending,
        "unknownDeadline": d.unknown,
        "onTimeRate": _rate(d.on_time_rate),
    }


def _compliance(r: RuleCompliance) -> Tree:
    score = r.score  # the scorecard's rate (services/findings_scorecard.py)
    return {
        "rule": r.rule,
        "met": r.met,
        "late": r.late,
        "overdue": r.overdue,
        "dueSoon": r.due_soon,
        "pending": r.pending,
        "unknown": r.unknown,
        "rate": {"numerator": score.met, "denominator": score.decided, "ratio": score.rate},
    }


def _keys(g: StatsGroup) -> Tree:
    region, industry, insurer = g.region, g.industry, g.insurer
    return {
        "region": None
        if region is None
        else {"code": region.code, "name": region.name, "level": region.level},
        "industry": None
        if industry is None
        else {"code": str(industry.key), "name": industry.name},
        "insurer": None
        if insurer is None
        else {"id": global_id("Insurer", insurer.key), "name": insurer.name},
        "year": g.year,
        "month": None if g.month is None else f"{g.month // 100:04d}-{g.month % 100:02d}",
        "category": g.category,
    }


def _group(g: StatsGroup) -> Tree:
    s, sat, a, c, h = g.services, g.satisfaction, g.archive, g.complaints, g.major_hazards
    return _keys(g) | {
        "unitsCovered": g.units_covered,
        "services": {
            "delivered": s.delivered,
            "byCategory": [{"category": k, "count": n} for k, n in s.by_category],
        },
        "satisfaction": {
            "responses": sat.responses,
            "scoreSum": sat.score_sum,
            "average": sat.average,
            "distribution": [{"score": k, "count": n} for k, n in sat.distribution],
        },
        "followUp": _deadline(g.follow_up),
        "archive": {
            "confirmed": a.confirmed,
            "disputed": a.disputed,
            "unconfirmed": a.unconfirmed,
            "confirmedRate": _rate(a.confirmed_rate),
            "organised": _deadline(a.organised),
        },
        "complaints": {
            "filed": c.filed,
            "answered": c.answered,
            "answeredRate": _rate(c.answered_rate),
            "needingVerification": c.needing_verification,
            "answer": _deadline(c.answer),
            "verifiedAnswer": _deadline(c.verified_answer),
        },
        "fees": {
            "income": g.fees.income,
            "expenditure": g.fees.expenditure,
            "balance": g.fees.balance,
        },
        "majorHazards": {
            "found": h.found,
            "told": h.told,
            "untold": h.untold,
            "toldRate": _rate(h.told_rate),
        },
        "compliance": [_compliance(r) for r in g.compliance],
    }


def report_tree(report: StatsReport) -> Tree:
    return {
        "groupBy": list(report.group_by),
        "regionLevel": report.region_level,
        "rulesVersion": report.rules_version,
        "asOf": report.as_of,
        "groups": [_group(g) for g in report.groups],
    }


def _completed(info: Info, report: StatsReport) -> Any:
    """The result as the selection asks for it, already complete: graphql-core does not walk
    the groups field by field (``resolvers/stats_selection.py``)."""
    raw = info._raw_info
    return_type = raw.return_type
    while isinstance(return_type, GraphQLNonNull):
        return_type = return_type.of_type
    assert isinstance(return_type, GraphQLObjectType)
    # strawberry hands resolvers the plain dict of coerced variables
    variables: dict[str, Any] = raw.variable_values  # type: ignore[assignment]
    projection = Projection(TreeBuilder(raw.schema, raw.fragments, variables))
    return Precompleted(projection.object(return_type, list(raw.field_nodes), report_tree(report)))


def _wants_compliance(info: Info) -> bool:
    """Whether the operation selects ``groups { compliance }`` (fragments, aliases and
    @skip/@include read as graphql-core would): only then is it computed."""
    raw = info._raw_info
    result_type = raw.return_type
    while isinstance(result_type, GraphQLNonNull):
        result_type = result_type.of_type
    assert isinstance(result_type, GraphQLObjectType)
    variables: dict[str, Any] = raw.variable_values  # type: ignore[assignment]
    builder = TreeBuilder(raw.schema, raw.fragments, variables)
    group_type = get_named_type(result_type.fields["groups"].type)
    assert isinstance(group_type, GraphQLObjectType)
    return any(
        inner[0].name.value == "compliance"
        for _, nodes in builder.collect(result_type, list(raw.field_nodes))
        if nodes[0].name.value == "groups"
        for _, inner in builder.collect(group_type, nodes)
    )


def _suppression(context: Any) -> CellSuppression:
    """Groups of few units are left out (services/stats_suppression.py) whenever the public
    role is among the caller's grants: its ``aggregate all`` rows would otherwise widen a
    principal's other grants to every unit, cell by cell. Other callers keep every cell."""
    if Role.PUBLIC not in context.identity.roles:
        return keep_every_cell
    return SmallCells(getattr(context, "public_min_cell_units", DEFAULT_MIN_CELL_UNITS))


async def stats(
    info: Info,
    group_by: list[Dimension],
    filter_: Annotated[gql.StatsFilter | None, strawberry.argument(name="filter")] = None,
    region_level: RegionLevel = RegionLevel.PROVINCE,
) -> gql.StatsResult:
    context: Any = info.context
    # `aggregate` is its own right (policies/policy.csv): figures without rows.
    scope = context.aggregate_scope
    suppress = _suppression(context)
    try:
        data = _input(group_by, filter_, region_level)
        # Sibling root fields run concurrently and share the request's session.
        async with getattr(context, "db_lock", None) or nullcontext():
            today = china_today()
            ruleset = chosen(getattr(context, "ruleset", DEFAULT_RULESET), today)
            # Findings are statements about rows: under the read scope, as ``findings``.
            compliance = (
                ComplianceRequest(ruleset, context.scope) if _wants_compliance(info) else None
            )
            report = await compute_stats(
                context.session,
                data,
                today=today,
                scope=scope,
                rules=stats_rules(ruleset),
                suppress=suppress,
                compliance=compliance,
            )
    except InputError as error:
        raise graphql_error(error) from error
    if isinstance(context, RequestContext):  # the audit log: figures, so a count, no ids
        context.audit.aggregated(len(report.groups))
    # Already complete (``_completed``): the annotation names the schema's type.
    return _completed(info, report)  # type: ignore[no-any-return]


@strawberry.type
class StatsQuery:
    stats: gql.StatsResult = strawberry.field(
        resolver=stats,
        description="统计看板：按维度分组的汇总，全部在数据库中计算 / dashboard aggregates "
        "grouped by the given dimensions, computed in SQL (semantics: services/stats.py)",
    )
