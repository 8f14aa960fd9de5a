"""Mutations on complaints (投诉): filing one and answering it in writing (R-6.4-complaint)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.mutations.ids import IdReader
from resolvers.mutations.outcome import Action, create_once, node_id, write_outcome
from schema.inputs.common import IdempotencyKeyArgument
from schema.inputs.complaint import AnswerComplaintInput, FileComplaintInput
from schema.payloads.complaint import ComplaintResult, ComplaintSuccess
from services import complaint as complaints

if TYPE_CHECKING:  # the row type the service returns; no runtime dependency on the store
    from store.models.complaint import Complaint


def _success(complaint: Complaint, *, replayed: bool) -> ComplaintSuccess:
    return ComplaintSuccess(
        _pk=complaint.id,
        id=node_id("Complaint", complaint.id),
        replayed=replayed,
        status=complaint.status,
    )


async def file_complaint(
    info: Info, input: FileComplaintInput, idempotency_key: IdempotencyKeyArgument = None
) -> ComplaintResult:
    async def write(session: AsyncSession) -> ComplaintSuccess:
        ids = IdReader()
        data = complaints.ComplaintInput(
            insurer_id=ids.one("insurerId", input.insurer_id, "Insurer"),
            unit_id=ids.one("unitId", input.unit_id, "InsuredUnit"),
            filed_at=input.filed_at,
            request=input.request,
            service_record_id=ids.maybe(
                "serviceRecordId", input.service_record_id, "ServiceRecord"
            ),
            needs_verification=input.needs_verification,
        )
        ids.raise_if_any()
        outcome = await create_once(
            info,
            session,
            operation="fileComplaint",
            key=idempotency_key,
            payload=input,
            create=lambda: complaints.file_complaint(session, data),
        )
        return _success(outcome.row, replayed=outcome.replayed)

    return await write_outcome(info, write, "complaint", Action.CREATE)


async def answer_complaint(info: Info, input: AnswerComplaintInput) -> ComplaintResult:
    # A transition: a second answer is refused (ALREADY_ANSWERED), so no idempotency key.
    async def write(session: AsyncSession) -> ComplaintSuccess:
        ids = IdReader()
        data = complaints.ComplaintAnswer(
            complaint_id=ids.one("complaintId", input.complaint_id, "Complaint"),
            answered_at=input.answered_at,
            answer_request=input.answer_request,
            answer_facts=input.answer_facts,
            answer_measures=input.answer_measures,
            extension_days=input.extension_days,
            extension_approver=input.extension_approver,
            extension_reason=input.extension_reason,
            extension_told_at=input.extension_told_at,
        )
        ids.raise_if_any()
        return _success(await complaints.answer_complaint(session, data), replayed=False)

    return await write_outcome(info, write, "complaint", Action.ANSWER)


@strawberry.type
class ComplaintMutation:
    file_complaint: ComplaintResult = strawberry.mutation(
        resolver=file_complaint,
        description="投保单位提出投诉 / an insured unit files a complaint (R-6.4-complaint)",
    )
    answer_complaint: ComplaintResult = strawberry.mutation(
        resolver=answer_complaint,
        description="书面答复投诉：投诉请求、事实认定及依据、处理措施 / answer a complaint with "
        "the request, the facts found and their basis, and the measures taken (R-6.4-complaint)",
    )
