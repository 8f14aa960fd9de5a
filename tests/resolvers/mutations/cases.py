"""One case per mutation: a valid input, a refused one with the error it must produce, and
for creates a different payload (for the reused-key test). Inputs are GraphQL variables as
a client sends them: global ids, decimal strings, instants with an offset."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.resolvers.conftest import Execute
from tests.resolvers.mutations import inputs
from tests.resolvers.mutations.scene import Scene

Input = inputs.Input

ERRORS = """
    ... on InputErrors { code messageZh messageEn errors { code field messageZh messageEn rule } }
    ... on NotFound { code messageZh messageEn }
    ... on Conflict { code messageZh messageEn }
    ... on Forbidden { code messageZh messageEn }
"""


@dataclass(frozen=True)
class Case:
    field: str  # the mutation
    input_type: str
    valid: Callable[[Scene], Input]
    refusal: Callable[[Scene], Input]
    refused_with: tuple[str, str, str | None]  # (code, field, rule)
    confirm: str  # the success type's confirm fields, e.g. "status"
    expect: dict[str, Any]  # their values after the valid input
    success_type: str
    # For creates (idempotency key accepted): the valid input with one field changed.
    variant: Callable[[Input], Input] | None = None

    @property
    def creates(self) -> bool:
        return self.variant is not None

    def document(self) -> str:
        key_var = ", $key: String" if self.creates else ""
        key_arg = ", idempotencyKey: $key" if self.creates else ""
        return f"""
            mutation Run($input: {self.input_type}!{key_var}) {{
              result: {self.field}(input: $input{key_arg}) {{
                __typename
                ... on WriteSuccess {{ id replayed }}
                ... on {self.success_type} {{ {self.confirm} }}
                {ERRORS}
              }}
            }}
        """


async def run(
    execute: Execute, case: Case, input: Input, *, key: str | None = None, **kwargs: Any
) -> dict[str, Any]:
    variables: dict[str, Any] = {"input": input}
    if case.creates:
        variables["key"] = key
    result = await execute(case.document(), variables, **kwargs)
    assert result.errors is None, result.errors
    assert result.data is not None
    data: dict[str, Any] = result.data["result"]
    return data


CASES: list[Case] = [
    Case(
        field="createPolicy",
        input_type="CreatePolicyInput",
        valid=inputs.policy,
        refusal=lambda s: inputs.with_(inputs.policy(s), items=[]),
        refused_with=("AT_LEAST_ONE", "items", "R-4.1-contract"),
        success_type="InsurancePolicySuccess",
        confirm="policyNo",
        expect={"policyNo": "PAZX2025000001"},
        variant=lambda i: inputs.with_(i, premium="50000.00"),
    ),
    Case(
        field="createScheme",
        input_type="CreateSchemeInput",
        valid=lambda s: {
            "policyId": s.gid("InsurancePolicy", s.bare_policy.id),
            **inputs.scheme_content(s),
        },
        refusal=lambda s: {
            "policyId": s.gid("InsurancePolicy", s.policy.id),
            **inputs.scheme_content(s),
        },
        refused_with=("SCHEME_EXISTS", "policyId", "R-6.1-scheme"),
        success_type="ServiceSchemeSuccess",
        confirm="version",
        expect={"version": 1},
        variant=lambda i: inputs.with_(i, timeLimits="每季度一次"),
    ),
    Case(
        field="reviseScheme",
        input_type="ReviseSchemeInput",
        valid=lambda s: {
            "supersedesId": s.gid("ServiceScheme", s.scheme.id),
            **inputs.scheme_content(s),
        },
        refusal=lambda s: {"supersedesId": "ServiceScheme:999999999", **inputs.scheme_content(s)},
        refused_with=("UNKNOWN_REFERENCE", "supersedesId", None),
        success_type="ServiceSchemeSuccess",
        confirm="version",
        expect={"version": 2},
        variant=lambda i: inputs.with_(i, budget="12000.00"),
    ),
    Case(
        field="createServiceRecord",
        input_type="CreateServiceRecordInput",
        valid=inputs.record,
        refusal=lambda s: inputs.with_(inputs.record(s), responsibleParty="BROKER"),
        refused_with=("RESPONSIBLE_AGENCY_REQUIRED", "responsibleAgencyId", "R-5.3-responsibility"),
        success_type="ServiceRecordSuccess",
        confirm="status",
        expect={"status": "COMPLETED"},
        variant=lambda i: inputs.with_(i, place="深圳市宝安区仓储区"),
    ),
    Case(
        field="completeServiceRecord",
        input_type="CompleteServiceRecordInput",
        valid=lambda s: {
            "recordId": s.gid("ServiceRecord", s.planned.id),
            "startedAt": inputs.AT,
            "completedAt": "2024-03-01T16:00:00+08:00",
        },
        refusal=lambda s: {
            "recordId": s.gid("ServiceRecord", s.completed.id),
            "completedAt": "2024-03-01T17:00:00+08:00",
        },
        refused_with=("INVALID_TRANSITION", "recordId", None),
        success_type="ServiceRecordSuccess",
        confirm="status",
        expect={"status": "COMPLETED"},
    ),
    Case(
        field="recordFollowUp",
        input_type="RecordFollowUpInput",
        valid=inputs.follow_up,
        refusal=lambda s: inputs.with_(inputs.follow_up(s), visitedAt="2024-03-01T10:00:00+08:00"),
        refused_with=("FOLLOW_UP_BEFORE_SERVICE_END", "visitedAt", "R-6.3-followup"),
        success_type="FollowUpSuccess",
        confirm="serviceRecordId",
        expect={},
        variant=lambda i: inputs.with_(i, satisfaction=4),
    ),
    Case(
        field="decideOnServiceRecord",
        input_type="DecideOnServiceRecordInput",
        valid=inputs.decision,
        refusal=lambda s: inputs.with_(inputs.decision(s), decision="DISPUTED"),
        refused_with=("REASON_REQUIRED", "reason", "R-6.3-archive"),
        success_type="UnitConfirmationSuccess",
        confirm="decision",
        expect={"decision": "CONFIRMED"},
        variant=lambda i: inputs.with_(i, decidedAt="2024-03-06T10:00:00+08:00"),
    ),
    Case(
        field="fileComplaint",
        input_type="FileComplaintInput",
        valid=inputs.complaint,
        # An instant without an offset is ambiguous: the service refuses it.
        refusal=lambda s: inputs.with_(inputs.complaint(s), filedAt="2024-03-10T09:00:00"),
        refused_with=("TIMEZONE_REQUIRED", "filedAt", None),
        success_type="ComplaintSuccess",
        confirm="status",
        expect={"status": "OPEN"},
        variant=lambda i: inputs.with_(i, request="服务报告内容有误"),
    ),
    Case(
        field="answerComplaint",
        input_type="AnswerComplaintInput",
        valid=inputs.answer,
        refusal=lambda s: inputs.with_(inputs.answer(s), answerFacts=None),
        refused_with=("ANSWER_PART_MISSING", "answerFacts", "R-6.4-complaint"),
        success_type="ComplaintSuccess",
        confirm="status",
        expect={"status": "ANSWERED"},
    ),
    Case(
        field="addLedgerEntry",
        input_type="AddLedgerEntryInput",
        valid=inputs.ledger,
        refusal=lambda s: inputs.with_(inputs.ledger(s), kind="ADJUSTMENT", serviceRecordId=None),
        refused_with=("CORRECTION_TARGET_REQUIRED", "correctsId", "R-7.3-ledger"),
        success_type="FeeLedgerEntrySuccess",
        confirm="kind amount",
        expect={"kind": "EXPENDITURE", "amount": "2400.50"},
        variant=lambda i: inputs.with_(i, amount="2400.60"),
    ),
    Case(
        field="createAgencyContract",
        input_type="CreateAgencyContractInput",
        valid=inputs.agency_contract,
        refusal=lambda s: inputs.with_(inputs.agency_contract(s), validTo="2023-12-31"),
        refused_with=("DATE_ORDER", "validTo", "R-7.4-archive"),
        success_type="AgencyContractSuccess",
        confirm="replayed",
        expect={"replayed": False},
        variant=lambda i: inputs.with_(i, documentRef="HT-2024-0018"),
    ),
    Case(
        field="createEvaluation",
        input_type="CreateEvaluationInput",
        valid=inputs.evaluation,
        refusal=lambda s: inputs.with_(inputs.evaluation(s), complaintsHandling=None),
        refused_with=("SECTION_MISSING", "complaintsHandling", "R-8.1-evaluation"),
        success_type="AnnualEvaluationSuccess",
        confirm="version status",
        expect={"version": 1, "status": "DRAFT"},
        variant=lambda i: inputs.with_(i, unitsServed=212),
    ),
    Case(
        field="reviseEvaluation",
        input_type="ReviseEvaluationInput",
        valid=inputs.revision,
        refusal=lambda s: inputs.with_(inputs.revision(s), method="THIRD_PARTY"),
        refused_with=("EVALUATOR_REQUIRED", "evaluator", "R-8.1-evaluation"),
        success_type="AnnualEvaluationSuccess",
        confirm="version status",
        expect={"version": 2, "status": "DRAFT"},
        variant=lambda i: inputs.with_(i, satisfactionRate="0.95"),
    ),
    Case(
        field="submitEvaluation",
        input_type="SubmitEvaluationInput",
        valid=lambda s: {
            "evaluationId": s.gid("AnnualEvaluation", s.draft.id),
            "submittedTo": "广东省应急管理厅",
            "submittedAt": "2025-01-20T10:00:00+08:00",
        },
        refusal=lambda s: {
            "evaluationId": "AnnualEvaluation:999999999",
            "submittedTo": "广东省应急管理厅",
            "submittedAt": "2025-01-20T10:00:00+08:00",
        },
        refused_with=("UNKNOWN_REFERENCE", "evaluationId", None),
        success_type="AnnualEvaluationSuccess",
        confirm="version status",
        expect={"version": 1, "status": "SUBMITTED"},
    ),
    Case(
        field="publishEvaluation",
        input_type="PublishEvaluationInput",
        valid=lambda s: {
            "evaluationId": s.gid("AnnualEvaluation", s.submitted.id),
            "publishedAt": "2024-04-01T10:00:00+08:00",
        },
        refusal=lambda s: {
            "evaluationId": s.gid("AnnualEvaluation", s.draft.id),
            "publishedAt": "2024-04-01T10:00:00+08:00",
        },
        refused_with=("INVALID_TRANSITION", "evaluationId", "R-8.2-publication"),
        success_type="AnnualEvaluationSuccess",
        confirm="version status",
        expect={"version": 1, "status": "PUBLISHED"},
    ),
    Case(
        field="createImprovementMeasure",
        input_type="CreateImprovementMeasureInput",
        valid=inputs.measure,
        refusal=lambda s: inputs.with_(inputs.measure(s), complaintId=None),
        refused_with=("SOURCE_REFERENCE_REQUIRED", "complaintId", "R-8.3-improvement"),
        success_type="ImprovementMeasureSuccess",
        confirm="status",
        expect={"status": "PLANNED"},
        variant=lambda i: inputs.with_(i, measure="增派服务人员"),
    ),
    Case(
        field="recordImprovementProgress",
        input_type="RecordImprovementProgressInput",
        valid=lambda s: {
            "measureId": s.gid("ImprovementMeasure", s.measure.id),
            "status": "IN_PROGRESS",
            "progressNote": "已建立归档台账",
        },
        refusal=lambda s: {
            "measureId": s.gid("ImprovementMeasure", s.measure.id),
            "status": "DONE",
            "completedAt": "2024-05-01T10:00:00+08:00",
        },
        refused_with=("INVALID_TRANSITION", "status", "R-8.3-improvement"),
        success_type="ImprovementMeasureSuccess",
        confirm="status",
        expect={"status": "IN_PROGRESS"},
    ),
]

CREATES = [case for case in CASES if case.creates]

# Where each mutation's success row lands (model name = global id type).
RESULT_TYPE = {
    "createPolicy": "InsurancePolicy",
    "createScheme": "ServiceScheme",
    "reviseScheme": "ServiceScheme",
    "createServiceRecord": "ServiceRecord",
    "completeServiceRecord": "ServiceRecord",
    "recordFollowUp": "FollowUp",
    "decideOnServiceRecord": "UnitConfirmation",
    "fileComplaint": "Complaint",
    "answerComplaint": "Complaint",
    "addLedgerEntry": "FeeLedgerEntry",
    "createAgencyContract": "AgencyContract",
    "createEvaluation": "AnnualEvaluation",
    "reviseEvaluation": "AnnualEvaluation",
    "submitEvaluation": "AnnualEvaluation",
    "publishEvaluation": "AnnualEvaluation",
    "createImprovementMeasure": "ImprovementMeasure",
    "recordImprovementProgress": "ImprovementMeasure",
}
