"""A draft annual evaluation report written from the data (R-8.1-evaluation).

The six sections are plain Chinese prose (``services.evaluation_text``) around the figures of
``services.evaluation_figures``; the published indicators (R-8.2-publication) are the same
figures. The draft is version 1 of
the insurer's report for the year, written through ``services.annual_evaluation``, so the
insurer then edits it (``reviseEvaluation``), submits and publishes it like any other report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services import annual_evaluation as evaluations
from services import references
from services.evaluation_figures import gather_figures
from services.evaluation_text import draft_content
from services.rulesets import Ruleset, UnknownRuleset, chosen
from services.validation import Checker
from store.models.annual_evaluation import AnnualEvaluation
from store.repositories.annual_evaluation import AnnualEvaluationRepository
from store.repositories.base import RowScope

RULE = "R-8.1-evaluation"


@dataclass(frozen=True, slots=True)
class DraftScopes:
    """What the figures may count: the drafter's ``read`` and ``aggregate`` scopes."""

    read: RowScope
    aggregate: RowScope


@dataclass(frozen=True, slots=True)
class DraftSettings:
    pinned_ruleset: str  # the deployment's ruleset id, or "" for the one in force (by date)
    today: date  # a day in China: separates overdue from pending
    scopes: DraftScopes


Content = TypeVar("Content", evaluations.EvaluationInput, evaluations.EvaluationRevision)


async def draft_evaluation(
    session: AsyncSession, data: evaluations.EvaluationInput, settings: DraftSettings
) -> AnnualEvaluation:
    """Version 1 of the insurer's report for ``data.year``: the sections and indicators
    ``data`` leaves empty (``None``) are drafted from the insurer's data, those it gives are
    kept (a blank section stays blank and is refused like any other)."""
    check = Checker()
    insurer_id = check.identifier("insurerId", data.insurer_id)
    year = check.integer(
        "year", data.year, min_value=evaluations.FIRST_YEAR, max_value=evaluations.LAST_YEAR
    )
    check.raise_if_any()
    assert insurer_id is not None and year is not None
    # Another insurer's id reads as unknown (the writer's bound scope): nothing is counted.
    await references.insurer(check, session, "insurerId", insurer_id)
    check.raise_if_any()
    filled = await _filled(session, data, insurer_id, year, settings)
    return await evaluations.create_evaluation(session, filled)


async def redraft_evaluation(
    session: AsyncSession, data: evaluations.EvaluationRevision, settings: DraftSettings
) -> AnnualEvaluation:
    """A new version of a report with what ``data`` leaves empty drafted afresh from the data
    of the report's insurer and year: e.g. once improvement measures were completed
    (R-8.3-improvement). Which versions may be revised is ``revise_evaluation``'s rule."""
    check = Checker()
    supersedes_id = check.identifier("supersedesId", data.supersedes_id)
    check.raise_if_any()
    assert supersedes_id is not None
    previous = await AnnualEvaluationRepository(session).get(supersedes_id)
    if previous is not None:
        data = await _filled(session, data, previous.insurer_id, previous.year, settings)
    # An unknown or superseded version is refused there, in the same words as any revision.
    return await evaluations.revise_evaluation(session, data)


async def _filled(
    session: AsyncSession, data: Content, insurer_id: int, year: int, settings: DraftSettings
) -> Content:
    """``data`` with every section and indicator it leaves empty drafted from the figures."""
    check = Checker()
    rules = _rules(check, settings.pinned_ruleset, year)
    check.raise_if_any()
    assert rules is not None
    figures = await gather_figures(
        session,
        insurer_id,
        year,
        rules=rules,
        today=settings.today,
        read_scope=settings.scopes.read,
        aggregate_scope=settings.scopes.aggregate,
    )
    drafted = draft_content(figures)
    given = {name: getattr(data, name) for name in drafted if getattr(data, name) is not None}
    return replace(data, **(drafted | given))


def _rules(check: Checker, pinned: str, year: int) -> Ruleset | None:
    """The deployment's ruleset, or the one in force on the year's last day."""
    try:
        return chosen(pinned, date(year, 12, 31))
    except UnknownRuleset:
        check.fail(
            "NO_RULESET",
            "year",
            "该年度没有适用的规则集",
            "no ruleset was in force in that year",
            rule=RULE,
        )
        return None
