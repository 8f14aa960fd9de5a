"""The figures of one insurer's annual evaluation report (R-8.1-evaluation), from its data.

Counted in SQL: the dashboard aggregates (``services.stats``, one statement) for services,
satisfaction, the working-day deadlines, complaints and the fee ledger, and
``store/repositories/evaluation_figures.py`` for what they do not count (contracts, schemes,
staff, agencies, complete answers, unbacked spending). Both read inside the caller's scope.
The year is a calendar year in China, [1 January, 1 January of the next year).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.rulesets import Ruleset
from services.stats import StatsFilterInput, StatsInput, compute_stats, stats_rules
from services.stats_report import StatsGroup
from store.models.improvement_measure import ImprovementMeasure
from store.repositories.base import RowScope
from store.repositories.evaluation_figures import (
    AgencyFigures,
    AnswerFigures,
    ContractFigures,
    EvaluationFiguresRepository,
    StaffFigures,
    UnbackedSpending,
    YearWindow,
)
from store.repositories.improvement_measure import ImprovementMeasureRepository
from store.repositories.stats.deadlines import day_start


@dataclass(frozen=True, slots=True)
class EvaluationFigures:
    insurer_id: int
    year: int
    rules: Ruleset  # the ruleset in force at the year's end: its deadlines and counts
    as_of: date  # the day the figures were taken (overdue vs pending)
    totals: StatsGroup | None  # None: nothing at all in the year
    contracts: ContractFigures
    staff: StaffFigures
    agencies: AgencyFigures
    answers: AnswerFigures
    unbacked: UnbackedSpending
    measures: Sequence[
        ImprovementMeasure
    ]  # R-8.3-improvement: open, or closed since the year began


def year_window(insurer_id: int, year: int) -> YearWindow:
    first, end = date(year, 1, 1), date(year + 1, 1, 1)
    return YearWindow(insurer_id, first, end, day_start(first), day_start(end))


async def gather_figures(
    session: AsyncSession,
    insurer_id: int,
    year: int,
    *,
    rules: Ruleset,
    today: date,
    read_scope: RowScope,
    aggregate_scope: RowScope,
) -> EvaluationFigures:
    """Every figure of the report; ``aggregate_scope`` bounds the dashboard aggregates (the
    ``aggregate`` right), ``read_scope`` the rest (the ``read`` right)."""
    window = year_window(insurer_id, year)
    stats = await compute_stats(
        session,
        StatsInput(
            filter=StatsFilterInput(
                insurer_ids=(insurer_id,), date_from=window.first_day, date_to=window.end_day
            )
        ),
        today=today,
        scope=aggregate_scope,
        rules=stats_rules(rules),
    )
    figures = EvaluationFiguresRepository(session, read_scope)
    measures = ImprovementMeasureRepository(session, read_scope)
    return EvaluationFigures(
        insurer_id=insurer_id,
        year=year,
        rules=rules,
        as_of=today,
        totals=stats.groups[0] if stats.groups else None,
        contracts=await figures.contracts(window),
        staff=await figures.staff(window, rules.staff_training.trainings_per_year),
        agencies=await figures.agencies(window),
        answers=await figures.answers(window, rules.complaint.answer_parts),
        unbacked=await figures.unbacked_spending(window),
        measures=await measures.for_report(insurer_id, window.starts),
    )
