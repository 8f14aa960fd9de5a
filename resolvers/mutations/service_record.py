"""Mutations on service records (服务记录): recording a service and completing a planned one
(R-5.3-responsibility, R-6.2-major-hazard, R-6.3-archive)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.mutations.ids import IdReader
from resolvers.mutations.outcome import Action, create_once, node_id, write_outcome
from schema.inputs.common import IdempotencyKeyArgument
from schema.inputs.service_record import (
    CompleteServiceRecordInput,
    CreateServiceRecordInput,
    HazardInput,
)
from schema.payloads.service_record import ServiceRecordResult, ServiceRecordSuccess
from services import service_record as records
from services.hazard import HazardInput as Hazard

if TYPE_CHECKING:  # the row type the service returns; no runtime dependency on the store
    from store.models.service_record import ServiceRecord


def _hazards(hazards: list[HazardInput]) -> tuple[Hazard, ...]:
    return tuple(
        Hazard(
            description=h.description,
            is_major=h.is_major,
            found_at=h.found_at,
            told_at=h.told_at,
            rectified_at=h.rectified_at,
        )
        for h in hazards
    )


def _success(record: ServiceRecord, *, replayed: bool) -> ServiceRecordSuccess:
    return ServiceRecordSuccess(
        _pk=record.id,
        id=node_id("ServiceRecord", record.id),
        replayed=replayed,
        status=record.status,
    )


async def create_service_record(
    info: Info, input: CreateServiceRecordInput, idempotency_key: IdempotencyKeyArgument = None
) -> ServiceRecordResult:
    async def write(session: AsyncSession) -> ServiceRecordSuccess:
        ids = IdReader()
        data = records.ServiceRecordInput(
            insurer_id=ids.one("insurerId", input.insurer_id, "Insurer"),
            unit_id=ids.one("unitId", input.unit_id, "InsuredUnit"),
            policy_id=ids.one("policyId", input.policy_id, "InsurancePolicy"),
            category=input.category,
            planned_on=input.planned_on,
            place=input.place,
            content=input.content,
            responsible_party=input.responsible_party,
            scheme_id=ids.maybe("schemeId", input.scheme_id, "ServiceScheme"),
            agency_id=ids.maybe("agencyId", input.agency_id, "Agency"),
            responsible_agency_id=ids.maybe(
                "responsibleAgencyId", input.responsible_agency_id, "Agency"
            ),
            started_at=input.started_at,
            completed_at=input.completed_at,
            organised_at=input.organised_at,
            process=input.process,
            staff_ids=ids.many("staffIds", input.staff_ids, "StaffMember"),
            hazards=_hazards(input.hazards),
        )
        ids.raise_if_any()
        outcome = await create_once(
            info,
            session,
            operation="createServiceRecord",
            key=idempotency_key,
            payload=input,
            create=lambda: records.create_service_record(session, data),
        )
        return _success(outcome.row, replayed=outcome.replayed)

    return await write_outcome(info, write, "service_record", Action.CREATE)


async def complete_service_record(
    info: Info, input: CompleteServiceRecordInput
) -> ServiceRecordResult:
    # A transition, not a create: a retry finds the record completed and is refused
    # (INVALID_TRANSITION), so it needs no idempotency key.
    async def write(session: AsyncSession) -> ServiceRecordSuccess:
        ids = IdReader()
        data = records.CompletionInput(
            record_id=ids.one("recordId", input.record_id, "ServiceRecord"),
            completed_at=input.completed_at,
            started_at=input.started_at,
            organised_at=input.organised_at,
            content=input.content,
            process=input.process,
            hazards=_hazards(input.hazards),
        )
        ids.raise_if_any()
        return _success(await records.complete_service_record(session, data), replayed=False)

    return await write_outcome(info, write, "service_record", Action.RECORD)


@strawberry.type
class ServiceRecordMutation:
    create_service_record: ServiceRecordResult = strawberry.mutation(
        resolver=create_service_record,
        description="新建服务记录（计划或已完成）/ record a prevention service, planned or "
        "completed, naming who answers for it (R-5.3-responsibility, R-6.2-major-hazard)",
    )
    complete_service_record: ServiceRecordResult = strawberry.mutation(
        resolver=complete_service_record,
        description="完成计划中的服务：实际内容、过程、发现的隐患及告知时间；保险机构或被分派的"
        "技术服务机构 / complete a planned service with its content, process and hazards found "
        "(when the unit was told of a major one): by the insurer or the agency assigned to it "
        "(R-6.3-archive, R-6.2-major-hazard)",
    )
