"""Mutations on annual evaluation reports (年度评估报告): write and revise versions
(R-8.1-evaluation), submit to the regulator and publish (R-8.2-publication)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.mutations.ids import IdReader
from resolvers.mutations.outcome import Action, create_once, node_id, write_outcome
from schema.inputs.annual_evaluation import (
    CreateEvaluationInput,
    EvaluationContentInput,
    PublishEvaluationInput,
    ReviseEvaluationInput,
    SubmitEvaluationInput,
)
from schema.inputs.common import IdempotencyKeyArgument
from schema.payloads.annual_evaluation import AnnualEvaluationResult, AnnualEvaluationSuccess
from services import annual_evaluation as evaluations
from services import evaluation_draft
from services.working_days import china_today

if TYPE_CHECKING:  # the row type the service returns; no runtime dependency on the store
    from store.models.annual_evaluation import AnnualEvaluation

# The fields of EvaluationContent, the same in GraphQL and in the service (snake_case).
_CONTENT_FIELDS = (
    "method",
    "evaluator",
    *evaluations.SECTIONS,
    "units_served",
    "services_delivered",
    "satisfaction_rate",
    "complaints_received",
    "complaints_answered_on_time",
    "fee_income",
    "fee_spent",
)


def _content(input: EvaluationContentInput) -> dict[str, Any]:
    return {name: getattr(input, name) for name in _CONTENT_FIELDS}


def _success(row: AnnualEvaluation, *, replayed: bool) -> AnnualEvaluationSuccess:
    return AnnualEvaluationSuccess(
        _pk=row.id,
        id=node_id("AnnualEvaluation", row.id),
        replayed=replayed,
        version=row.version,
        status=row.status,
    )


async def create_evaluation(
    info: Info, input: CreateEvaluationInput, idempotency_key: IdempotencyKeyArgument = None
) -> AnnualEvaluationResult:
    async def write(session: AsyncSession) -> AnnualEvaluationSuccess:
        ids = IdReader()
        insurer_id = ids.one("insurerId", input.insurer_id, "Insurer")
        ids.raise_if_any()
        data = evaluations.EvaluationInput(
            insurer_id=insurer_id, year=input.year, **_content(input)
        )
        outcome = await create_once(
            info,
            session,
            operation="createEvaluation",
            key=idempotency_key,
            payload=input,
            create=lambda: (
                evaluation_draft.draft_evaluation(session, data, _draft_settings(info))
                if input.from_data
                else evaluations.create_evaluation(session, data)
            ),
        )
        return _success(outcome.row, replayed=outcome.replayed)

    return await write_outcome(info, write, "annual_evaluation", Action.CREATE)


def _draft_settings(info: Info) -> evaluation_draft.DraftSettings:
    """``fromData``: what is drafted is counted inside what the writer may read (and
    aggregate), under the deployment's ruleset, as of today in China."""
    context = info.context
    return evaluation_draft.DraftSettings(
        pinned_ruleset=context.ruleset,
        today=china_today(),
        scopes=evaluation_draft.DraftScopes(read=context.scope, aggregate=context.aggregate_scope),
    )


async def revise_evaluation(
    info: Info, input: ReviseEvaluationInput, idempotency_key: IdempotencyKeyArgument = None
) -> AnnualEvaluationResult:
    async def write(session: AsyncSession) -> AnnualEvaluationSuccess:
        ids = IdReader()
        supersedes_id = ids.one("supersedesId", input.supersedes_id, "AnnualEvaluation")
        ids.raise_if_any()
        data = evaluations.EvaluationRevision(supersedes_id=supersedes_id, **_content(input))
        outcome = await create_once(
            info,
            session,
            operation="reviseEvaluation",
            key=idempotency_key,
            payload=input,
            create=lambda: (
                evaluation_draft.redraft_evaluation(session, data, _draft_settings(info))
                if input.from_data
                else evaluations.revise_evaluation(session, data)
            ),
        )
        return _success(outcome.row, replayed=outcome.replayed)

    return await write_outcome(info, write, "annual_evaluation", Action.REVISE)


async def submit_evaluation(info: Info, input: SubmitEvaluationInput) -> AnnualEvaluationResult:
    # Transitions (submit, publish) are refused when repeated, so they take no idempotency key.
    async def write(session: AsyncSession) -> AnnualEvaluationSuccess:
        ids = IdReader()
        data = evaluations.EvaluationSubmission(
            evaluation_id=ids.one("evaluationId", input.evaluation_id, "AnnualEvaluation"),
            submitted_to=input.submitted_to,
            submitted_at=input.submitted_at,
        )
        ids.raise_if_any()
        return _success(await evaluations.submit_evaluation(session, data), replayed=False)

    return await write_outcome(info, write, "annual_evaluation", Action.SUBMIT)


async def publish_evaluation(info: Info, input: PublishEvaluationInput) -> AnnualEvaluationResult:
    async def write(session: AsyncSession) -> AnnualEvaluationSuccess:
        ids = IdReader()
        data = evaluations.EvaluationPublication(
            evaluation_id=ids.one("evaluationId", input.evaluation_id, "AnnualEvaluation"),
            published_at=input.published_at,
        )
        ids.raise_if_any()
        return _success(await evaluations.publish_evaluation(session, data), replayed=False)

    return await write_outcome(info, write, "annual_evaluation", Action.PUBLISH)


@strawberry.type
class AnnualEvaluationMutation:
    create_evaluation: AnnualEvaluationResult = strawberry.mutation(
        resolver=create_evaluation,
        description="新建年度评估报告（第1版草稿），可由数据生成 / write version 1 of an "
        "insurer's annual evaluation report as a draft, or draft it from the insurer's data "
        "with fromData (R-8.1-evaluation)",
    )
    revise_evaluation: AnnualEvaluationResult = strawberry.mutation(
        resolver=revise_evaluation,
        description="修订评估报告：写入新草稿版本 / revise a report: a new draft version beside "
        "the old one (R-8.1-evaluation, R-7.4-archive)",
    )
    submit_evaluation: AnnualEvaluationResult = strawberry.mutation(
        resolver=submit_evaluation,
        description="向应急管理部门报送评估报告 / submit a report to the emergency-management "
        "department (R-8.2-publication)",
    )
    publish_evaluation: AnnualEvaluationResult = strawberry.mutation(
        resolver=publish_evaluation,
        description="向社会公开年度评估结果 / publish a submitted report's results to the "
        "public (R-8.2-publication)",
    )
