"""Annual evaluations: six required sections (R-8.1-evaluation), versions per insurer and
year, and draft → submitted → published (R-8.2-publication)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.annual_evaluation import (
    EvaluationInput,
    EvaluationPublication,
    EvaluationRevision,
    EvaluationSubmission,
    create_evaluation,
    publish_evaluation,
    revise_evaluation,
    submit_evaluation,
)
from store.enums import EvaluationMethod, EvaluationStatus
from store.models.annual_evaluation import AnnualEvaluation
from store.models.insurer import Insurer
from store.repositories.annual_evaluation import AnnualEvaluationRepository
from store.uow import UnitOfWork
from tests.factories.annual_evaluation import SECTIONS
from tests.factories.annual_evaluation import create_evaluation as make_evaluation
from tests.factories.insurer import create_insurer
from tests.services.refusal import refused, single

RULE = "R-8.1-evaluation"
PUBLICATION = "R-8.2-publication"
SUBMITTED = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
PUBLISHED = SUBMITTED + timedelta(days=10)


@pytest.fixture
async def insurer(session: AsyncSession) -> Insurer:
    return await create_insurer(session)


def _content(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"method": "self", **SECTIONS}
    values.update(overrides)
    return values


def _input(insurer: Insurer, **overrides: Any) -> EvaluationInput:
    year = overrides.pop("year", 2024)
    return EvaluationInput(insurer_id=insurer.id, year=year, **_content(**overrides))


async def _reload(uow: Callable[[], UnitOfWork], evaluation_id: int) -> AnnualEvaluation:
    async with uow() as work:
        stored = await AnnualEvaluationRepository(work.session).get(evaluation_id)
    assert stored is not None
    return stored


# -- writing ---------------------------------------------------------------------------------


async def test_creates_a_draft_with_indicators(
    uow: Callable[[], UnitOfWork], insurer: Insurer
) -> None:
    data = _input(
        insurer,
        method=EvaluationMethod.THIRD_PARTY,
        evaluator="中安评估咨询有限公司",
        units_served=212,
        services_delivered=430,
        satisfaction_rate="0.9250",
        complaints_received=3,
        complaints_answered_on_time=3,
        fee_income="12000000.00",
        fee_spent=10_500_000,
    )
    async with uow() as work:
        created = await create_evaluation(work.session, data)
    stored = await _reload(uow, created.id)
    assert (stored.version, stored.status, stored.evaluator) == (
        1,
        EvaluationStatus.DRAFT,
        "中安评估咨询有限公司",
    )
    assert (stored.satisfaction_rate, stored.fee_spent) == (
        Decimal("0.9250"),
        Decimal("10500000.00"),
    )


async def test_same_year_of_another_insurer_is_fine(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    other = await create_insurer(session)
    await make_evaluation(session, insurer_id=other.id)
    async with uow() as work:
        created = await create_evaluation(work.session, _input(insurer))
    assert created.version == 1


_MISSING = "SECTION_MISSING"


@pytest.mark.parametrize(
    ("overrides", "code", "field", "rule"),
    [
        ({"scheme_implementation": None}, _MISSING, "schemeImplementation", RULE),
        ({"unit_satisfaction": ""}, _MISSING, "unitSatisfaction", RULE),
        ({"fee_expenditure": " "}, _MISSING, "feeExpenditure", RULE),
        ({"staff_competence": None}, _MISSING, "staffCompetence", RULE),
        ({"complaints_handling": "\t"}, _MISSING, "complaintsHandling", RULE),
        ({"problems_and_measures": None}, _MISSING, "problemsAndMeasures", RULE),
        ({"method": "guess"}, "INVALID_ENUM", "method", None),
        ({"method": "third_party"}, "EVALUATOR_REQUIRED", "evaluator", RULE),
        ({"method": "third_party", "evaluator": " "}, "EVALUATOR_REQUIRED", "evaluator", RULE),
        ({"year": 1999}, "OUT_OF_RANGE", "year", None),
        ({"year": 2101}, "OUT_OF_RANGE", "year", None),
        ({"units_served": -1}, "OUT_OF_RANGE", "unitsServed", None),
        ({"services_delivered": "3"}, "NOT_AN_INTEGER", "servicesDelivered", None),
        ({"complaints_received": -2}, "OUT_OF_RANGE", "complaintsReceived", None),
        (
            {"complaints_received": 2, "complaints_answered_on_time": 3},
            "INDICATOR_INCONSISTENT",
            "complaintsAnsweredOnTime",
            None,
        ),
        ({"satisfaction_rate": 0.9}, "RATIO_NOT_DECIMAL", "satisfactionRate", None),
        ({"satisfaction_rate": "1.01"}, "RATIO_OUT_OF_RANGE", "satisfactionRate", None),
        ({"fee_income": 1.5}, "MONEY_NOT_DECIMAL", "feeIncome", None),
        ({"fee_spent": "-1"}, "MONEY_NEGATIVE", "feeSpent", None),
    ],
)
async def test_input_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    insurer: Insurer,
    overrides: dict[str, Any],
    code: str,
    field: str,
    rule: str | None,
) -> None:
    bad = _input(insurer, **overrides)
    error = single(await refused(uow, session, lambda s: create_evaluation(s, bad)))
    assert (error.code, error.field, error.rule) == (code, field, rule)


async def test_every_missing_section_is_its_own_error(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    bad = _input(insurer, **dict.fromkeys(SECTIONS))
    error = await refused(uow, session, lambda s: create_evaluation(s, bad))
    assert [(e.code, e.field, e.rule) for e in error.errors] == [
        (_MISSING, "schemeImplementation", RULE),
        (_MISSING, "unitSatisfaction", RULE),
        (_MISSING, "feeExpenditure", RULE),
        (_MISSING, "staffCompetence", RULE),
        (_MISSING, "complaintsHandling", RULE),
        (_MISSING, "problemsAndMeasures", RULE),
    ]


async def test_unknown_insurer_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    bad = EvaluationInput(insurer_id=999_999, year=2024, **_content())
    error = single(await refused(uow, session, lambda s: create_evaluation(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "insurerId")


async def test_second_report_for_a_year_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    await make_evaluation(session, insurer_id=insurer.id)
    error = single(await refused(uow, session, lambda s: create_evaluation(s, _input(insurer))))
    assert (error.code, error.field, error.rule) == ("EVALUATION_EXISTS", "year", RULE)


async def test_revision_is_a_new_draft_beside_the_published_one(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    first = await make_evaluation(session, insurer_id=insurer.id, status=EvaluationStatus.PUBLISHED)
    revision = EvaluationRevision(
        supersedes_id=first.id, **_content(fee_expenditure="更正：支出1,080万元")
    )
    async with uow() as work:
        second = await revise_evaluation(work.session, revision)
    old = await _reload(uow, first.id)
    new = await _reload(uow, second.id)
    assert (old.status, old.fee_expenditure) == (
        EvaluationStatus.PUBLISHED,
        SECTIONS["fee_expenditure"],
    )
    assert (new.version, new.supersedes_id, new.status, new.year) == (
        2,
        first.id,
        EvaluationStatus.DRAFT,
        2024,
    )


async def test_revising_an_old_version_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    first = await make_evaluation(session, insurer_id=insurer.id)
    await make_evaluation(session, insurer_id=insurer.id, version=2, supersedes_id=first.id)
    bad = EvaluationRevision(supersedes_id=first.id, **_content())
    error = single(await refused(uow, session, lambda s: revise_evaluation(s, bad)))
    assert (error.code, error.field, error.rule) == ("EVALUATION_NOT_LATEST", "supersedesId", RULE)


async def test_revising_an_unknown_report_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    bad = EvaluationRevision(supersedes_id=999_999, **_content())
    error = single(await refused(uow, session, lambda s: revise_evaluation(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "supersedesId")


async def test_a_revision_is_checked_like_a_first_version(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    first = await make_evaluation(session, insurer_id=insurer.id)
    bad = EvaluationRevision(supersedes_id=first.id, **_content(staff_competence=""))
    error = single(await refused(uow, session, lambda s: revise_evaluation(s, bad)))
    assert (error.code, error.field, error.rule) == (_MISSING, "staffCompetence", RULE)


# -- submitting and publishing ---------------------------------------------------------------


async def test_draft_is_submitted_then_published(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    draft = await make_evaluation(session, insurer_id=insurer.id)
    async with uow() as work:
        await submit_evaluation(
            work.session, EvaluationSubmission(draft.id, "广东省应急管理厅", SUBMITTED)
        )
    submitted = await _reload(uow, draft.id)
    assert (submitted.status, submitted.submitted_to, submitted.submitted_at) == (
        EvaluationStatus.SUBMITTED,
        "广东省应急管理厅",
        SUBMITTED,
    )
    async with uow() as work:
        await publish_evaluation(work.session, EvaluationPublication(draft.id, PUBLISHED))
    published = await _reload(uow, draft.id)
    assert (published.status, published.published_at) == (EvaluationStatus.PUBLISHED, PUBLISHED)


@pytest.mark.parametrize(
    ("status", "submission", "code", "field"),
    [
        (EvaluationStatus.SUBMITTED, {}, "INVALID_TRANSITION", "evaluationId"),
        (EvaluationStatus.PUBLISHED, {}, "INVALID_TRANSITION", "evaluationId"),
        (EvaluationStatus.DRAFT, {"submitted_to": " "}, "REQUIRED", "submittedTo"),
        (
            EvaluationStatus.DRAFT,
            {"submitted_at": datetime(2025, 3, 1)},  # noqa: DTZ001
            "TIMEZONE_REQUIRED",
            "submittedAt",
        ),
        (EvaluationStatus.DRAFT, {"evaluation_id": 999_999}, "UNKNOWN_REFERENCE", "evaluationId"),
    ],
)
async def test_submission_refusals_change_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    insurer: Insurer,
    status: EvaluationStatus,
    submission: dict[str, Any],
    code: str,
    field: str,
) -> None:
    evaluation = await make_evaluation(session, insurer_id=insurer.id, status=status)
    values: dict[str, Any] = {
        "evaluation_id": evaluation.id,
        "submitted_to": "广东省应急管理厅",
        "submitted_at": SUBMITTED,
    }
    values.update(submission)
    bad = EvaluationSubmission(**values)
    error = single(await refused(uow, session, lambda s: submit_evaluation(s, bad)))
    assert (error.code, error.field) == (code, field)
    if code == "INVALID_TRANSITION":
        assert error.rule == PUBLICATION
    stored = await _reload(uow, evaluation.id)
    assert (stored.status, stored.submitted_at) == (status, None)


@pytest.mark.parametrize(
    ("status", "published_at", "code", "field", "rule"),
    [
        (EvaluationStatus.DRAFT, PUBLISHED, "INVALID_TRANSITION", "evaluationId", PUBLICATION),
        (EvaluationStatus.PUBLISHED, PUBLISHED, "INVALID_TRANSITION", "evaluationId", PUBLICATION),
        (
            EvaluationStatus.SUBMITTED,
            SUBMITTED - timedelta(days=1),
            "DATE_ORDER",
            "publishedAt",
            PUBLICATION,
        ),
        (
            EvaluationStatus.SUBMITTED,
            datetime(2025, 3, 11),  # noqa: DTZ001
            "TIMEZONE_REQUIRED",
            "publishedAt",
            None,
        ),
    ],
)
async def test_publication_refusals_change_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    insurer: Insurer,
    status: EvaluationStatus,
    published_at: datetime,
    code: str,
    field: str,
    rule: str | None,
) -> None:
    evaluation = await make_evaluation(
        session, insurer_id=insurer.id, status=status, submitted_at=SUBMITTED
    )
    bad = EvaluationPublication(evaluation.id, published_at)
    error = single(await refused(uow, session, lambda s: publish_evaluation(s, bad)))
    assert (error.code, error.field, error.rule) == (code, field, rule)
    stored = await _reload(uow, evaluation.id)
    assert (stored.status, stored.published_at) == (status, None)


async def test_a_superseded_version_is_not_published(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    first = await make_evaluation(
        session, insurer_id=insurer.id, status=EvaluationStatus.SUBMITTED, submitted_at=SUBMITTED
    )
    await make_evaluation(session, insurer_id=insurer.id, version=2, supersedes_id=first.id)
    bad = EvaluationPublication(first.id, PUBLISHED)
    error = single(await refused(uow, session, lambda s: publish_evaluation(s, bad)))
    assert (error.code, error.field) == ("EVALUATION_NOT_LATEST", "evaluationId")


# -- queries ---------------------------------------------------------------------------------


async def test_published_results_of_a_year_show_the_newest_published_version(
    session: AsyncSession, insurer: Insurer
) -> None:
    published = EvaluationStatus.PUBLISHED
    v1 = await make_evaluation(session, insurer_id=insurer.id, status=published)
    v2 = await make_evaluation(
        session, insurer_id=insurer.id, version=2, supersedes_id=v1.id, status=published
    )
    # A newer draft does not hide the published result.
    await make_evaluation(session, insurer_id=insurer.id, version=3, supersedes_id=v2.id)
    other = await create_insurer(session)
    theirs = await make_evaluation(session, insurer_id=other.id, status=published)
    unpublished = await create_insurer(session)
    await make_evaluation(session, insurer_id=unpublished.id, status=EvaluationStatus.SUBMITTED)
    await make_evaluation(session, insurer_id=insurer.id, year=2023, status=published)

    repo = AnnualEvaluationRepository(session)
    assert [e.id for e in await repo.published_for_year(2024)] == [v2.id, theirs.id]
    assert [e.version for e in await repo.versions(insurer.id, 2024)] == [1, 2, 3]
    latest = await repo.latest(insurer.id, 2024)
    assert latest is not None and latest.version == 3
