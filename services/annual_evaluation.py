"""Annual evaluation reports (年度评估报告): written (R-8.1-evaluation), submitted to the
emergency-management department and published (R-8.2-publication).

Versioned per (insurer, year) like schemes: a correction is a new draft version beside the
old one (R-7.4-archive), whatever state the old one reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.validation import Checker
from services.validation.messages import unknown_reference
from services.validation.workflow import invalid_transition, not_latest, required_text
from store.enums import EvaluationMethod, EvaluationStatus
from store.models.annual_evaluation import AnnualEvaluation
from store.repositories.annual_evaluation import AnnualEvaluationRepository

RULE = "R-8.1-evaluation"
PUBLICATION_RULE = "R-8.2-publication"
# Years a report can be about: from well before the standard to a sane horizon.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_COUNT = 10**9  # bounds for the published indicators

# column → (field, Chinese name of the section, English name)
SECTIONS = {
    "scheme_implementation": (
        "schemeImplementation",
        "服务方案实施情况及效果",
        "scheme implementation and effect",
    ),
    "unit_satisfaction": ("unitSatisfaction", "投保单位满意度", "unit satisfaction"),
    "fee_expenditure": ("feeExpenditure", "服务费用支出情况", "fee expenditure"),
    "staff_competence": (
        "staffCompetence",
        "机构和人员的专业能力",
        "competence of agencies and staff",
    ),
    "complaints_handling": (
        "complaintsHandling",
        "投诉及处理情况",
        "complaints and their handling",
    ),
    "problems_and_measures": (
        "problemsAndMeasures",
        "存在的问题和改进措施",
        "problems and improvement measures",
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationContent:
    method: EvaluationMethod | str
    evaluator: str | None = None  # the third party; required when method is third_party
    # The six sections of R-8.1-evaluation, each required:
    scheme_implementation: str | None
    unit_satisfaction: str | None
    fee_expenditure: str | None
    staff_competence: str | None
    complaints_handling: str | None
    problems_and_measures: str | None
    # Optional indicators shown with the published result:
    units_served: int | None = None
    services_delivered: int | None = None
    satisfaction_rate: Decimal | str | None = None  # 0..1
    complaints_received: int | None = None
    complaints_answered_on_time: int | None = None
    fee_income: Decimal | str | int | None = None  # yuan
    fee_spent: Decimal | str | int | None = None  # yuan


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationInput(EvaluationContent):
    insurer_id: int
    year: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationRevision(EvaluationContent):
    supersedes_id: int  # must be the latest version


@dataclass(frozen=True, slots=True)
class EvaluationSubmission:
    evaluation_id: int
    submitted_to: str  # the emergency-management department (应急管理部门)
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class EvaluationPublication:
    evaluation_id: int
    published_at: datetime


async def create_evaluation(session: AsyncSession, data: EvaluationInput) -> AnnualEvaluation:
    """Version 1 of an insurer's report for a year (once a year, R-8.1-evaluation)."""
    check = Checker()
    insurer_id = check.identifier("insurerId", data.insurer_id)
    year = check.integer("year", data.year, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    values = _check_content(check, data)
    check.raise_if_any()
    assert insurer_id is not None and year is not None

    repo = AnnualEvaluationRepository(session)
    known = await references.insurer(check, session, "insurerId", insurer_id)
    if known and await repo.latest(insurer_id, year) is not None:
        check.fail(
            "EVALUATION_EXISTS",
            "year",
            "该年度评估报告已存在，请修订最新版本",
            "a report for this year exists; revise its latest version instead",
            rule=RULE,
        )
    check.raise_if_any()
    return await repo.add(AnnualEvaluation(insurer_id=insurer_id, year=year, version=1, **values))


async def revise_evaluation(session: AsyncSession, data: EvaluationRevision) -> AnnualEvaluation:
    """A new draft version n+1 of the same insurer and year; version n stays as it was."""
    check = Checker()
    supersedes_id = check.identifier("supersedesId", data.supersedes_id)
    values = _check_content(check, data)
    check.raise_if_any()
    assert supersedes_id is not None

    repo = AnnualEvaluationRepository(session)
    previous = await _latest_version(check, repo, "supersedesId", supersedes_id)
    check.raise_if_any()
    assert previous is not None
    return await repo.add(
        AnnualEvaluation(
            insurer_id=previous.insurer_id,
            year=previous.year,
            version=previous.version + 1,
            supersedes_id=previous.id,
            **values,
        )
    )


async def submit_evaluation(session: AsyncSession, data: EvaluationSubmission) -> AnnualEvaluation:
    """DRAFT → SUBMITTED to the emergency-management department (R-8.2-publication)."""
    check = Checker()
    evaluation_id = check.identifier("evaluationId", data.evaluation_id)
    submitted_to = check.text("submittedTo", data.submitted_to, max_len=128)
    submitted_at = check.aware("submittedAt", data.submitted_at)
    check.raise_if_any()
    assert evaluation_id is not None and submitted_to is not None and submitted_at is not None

    evaluation = await _latest_version(
        check, AnnualEvaluationRepository(session), "evaluationId", evaluation_id
    )
    if evaluation is not None and evaluation.status is not EvaluationStatus.DRAFT:
        invalid_transition(
            check,
            "evaluationId",
            evaluation.status.value,
            EvaluationStatus.SUBMITTED.value,
            rule=PUBLICATION_RULE,
        )
    check.raise_if_any()
    assert evaluation is not None
    evaluation.status = EvaluationStatus.SUBMITTED
    evaluation.submitted_to = submitted_to
    evaluation.submitted_at = submitted_at
    await session.flush()
    return evaluation


async def publish_evaluation(
    session: AsyncSession, data: EvaluationPublication
) -> AnnualEvaluation:
    """SUBMITTED → PUBLISHED to the public (R-8.2-publication)."""
    check = Checker()
    evaluation_id = check.identifier("evaluationId", data.evaluation_id)
    published_at = check.aware("publishedAt", data.published_at)
    check.raise_if_any()
    assert evaluation_id is not None and published_at is not None

    evaluation = await _latest_version(
        check, AnnualEvaluationRepository(session), "evaluationId", evaluation_id
    )
    if evaluation is not None:
        if evaluation.status is not EvaluationStatus.SUBMITTED:
            invalid_transition(
                check,
                "evaluationId",
                evaluation.status.value,
                EvaluationStatus.PUBLISHED.value,
                rule=PUBLICATION_RULE,
            )
        check.in_order(
            "submittedAt",
            evaluation.submitted_at,
            "publishedAt",
            published_at,
            rule=PUBLICATION_RULE,
        )
    check.raise_if_any()
    assert evaluation is not None
    evaluation.status = EvaluationStatus.PUBLISHED
    evaluation.published_at = published_at
    await session.flush()
    return evaluation


async def _latest_version(
    check: Checker, repo: AnnualEvaluationRepository, field: str, evaluation_id: int
) -> AnnualEvaluation | None:
    """The version ``evaluation_id`` when it exists and is the current one of its year.

    A superseded version is never revised, submitted or published: the newer one replaces it.
    """
    evaluation = await repo.get(evaluation_id)
    if evaluation is None:
        unknown_reference(check, field, "年度评估报告", "annual evaluation report")
        return None
    latest = await repo.latest(evaluation.insurer_id, evaluation.year)
    assert latest is not None  # ``evaluation`` itself is a version of that year
    if latest.id != evaluation.id:
        not_latest(check, "EVALUATION_NOT_LATEST", field, latest.version, rule=RULE)
        return None
    return evaluation


def _check_content(check: Checker, data: EvaluationContent) -> dict[str, Any]:
    values: dict[str, Any] = {"status": EvaluationStatus.DRAFT}
    method = check.enum("method", data.method, EvaluationMethod)
    values["method"] = method
    values["evaluator"] = check.text("evaluator", data.evaluator, max_len=128, required=False)
    if method is EvaluationMethod.THIRD_PARTY and not (data.evaluator or "").strip():
        check.fail(
            "EVALUATOR_REQUIRED",
            "evaluator",
            "第三方评估必须写明评估机构",
            "a third-party evaluation must name the evaluator",
            rule=RULE,
        )
    for column, (field, zh, en) in SECTIONS.items():
        values[column] = required_text(
            check,
            field,
            getattr(data, column),
            rule=RULE,
            code="SECTION_MISSING",
            what_zh=zh,
            what_en=en,
        )
    for column, field in (
        ("units_served", "unitsServed"),
        ("services_delivered", "servicesDelivered"),
        ("complaints_received", "complaintsReceived"),
        ("complaints_answered_on_time", "complaintsAnsweredOnTime"),
    ):
        values[column] = check.integer(
            field, getattr(data, column), min_value=0, max_value=MAX_COUNT, required=False
        )
    received, on_time = values["complaints_received"], values["complaints_answered_on_time"]
    if received is not None and on_time is not None and on_time > received:
        check.fail(
            "INDICATOR_INCONSISTENT",
            "complaintsAnsweredOnTime",
            "按时答复的投诉数不能多于收到的投诉数",
            "cannot exceed the number of complaints received",
        )
    values["satisfaction_rate"] = check.ratio(
        "satisfactionRate", data.satisfaction_rate, required=False
    )
    values["fee_income"] = check.money("feeIncome", data.fee_income, required=False)
    values["fee_spent"] = check.money("feeSpent", data.fee_spent, required=False)
    return values
