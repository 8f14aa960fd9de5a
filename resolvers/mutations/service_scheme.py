"""Mutations on service schemes (事故预防技术服务方案): versions, never overwrites
(R-6.1-scheme, R-7.4-archive)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.mutations.ids import IdReader
from resolvers.mutations.outcome import Action, create_once, node_id, write_outcome
from schema.inputs.common import IdempotencyKeyArgument
from schema.inputs.service_scheme import CreateSchemeInput, ReviseSchemeInput, SchemeContentInput
from schema.payloads.service_scheme import ServiceSchemeResult, ServiceSchemeSuccess
from services import service_scheme as schemes

if TYPE_CHECKING:  # the row type the service returns; no runtime dependency on the store
    from store.models.service_scheme import ServiceScheme


def _content(ids: IdReader, input: SchemeContentInput) -> dict[str, Any]:
    """The clause-3.4 fields shared by a first version and a revision."""
    return {
        "items": tuple(
            schemes.SchemeItemInput(item.category, item.frequency_per_year, item.description)
            for item in input.items
        ),
        "time_limits": input.time_limits,
        "staff_ids": ids.many("staffIds", input.staff_ids, "StaffMember"),
        "budget": input.budget,
        "expected_effect": input.expected_effect,
        "guarantees": input.guarantees,
        "liability_terms": input.liability_terms,
        "complaint_arbitration": input.complaint_arbitration,
        "agreed_at": input.agreed_at,
        "agency_id": ids.maybe("agencyId", input.agency_id, "Agency"),
    }


def _success(scheme: ServiceScheme, *, replayed: bool) -> ServiceSchemeSuccess:
    return ServiceSchemeSuccess(
        _pk=scheme.id,
        id=node_id("ServiceScheme", scheme.id),
        replayed=replayed,
        version=scheme.version,
    )


async def create_scheme(
    info: Info, input: CreateSchemeInput, idempotency_key: IdempotencyKeyArgument = None
) -> ServiceSchemeResult:
    async def write(session: AsyncSession) -> ServiceSchemeSuccess:
        ids = IdReader()
        policy_id = ids.one("policyId", input.policy_id, "InsurancePolicy")
        content = _content(ids, input)
        ids.raise_if_any()
        data = schemes.SchemeInput(policy_id=policy_id, **content)
        outcome = await create_once(
            info,
            session,
            operation="createScheme",
            key=idempotency_key,
            payload=input,
            create=lambda: schemes.create_scheme(session, data),
        )
        return _success(outcome.row, replayed=outcome.replayed)

    return await write_outcome(info, write, "service_scheme", Action.CREATE)


async def revise_scheme(
    info: Info, input: ReviseSchemeInput, idempotency_key: IdempotencyKeyArgument = None
) -> ServiceSchemeResult:
    async def write(session: AsyncSession) -> ServiceSchemeSuccess:
        ids = IdReader()
        supersedes_id = ids.one("supersedesId", input.supersedes_id, "ServiceScheme")
        content = _content(ids, input)
        ids.raise_if_any()
        data = schemes.SchemeRevision(supersedes_id=supersedes_id, **content)
        outcome = await create_once(
            info,
            session,
            operation="reviseScheme",
            key=idempotency_key,
            payload=input,
            create=lambda: schemes.revise_scheme(session, data),
        )
        return _success(outcome.row, replayed=outcome.replayed)

    return await write_outcome(info, write, "service_scheme", Action.CREATE)


@strawberry.type
class ServiceSchemeMutation:
    create_scheme: ServiceSchemeResult = strawberry.mutation(
        resolver=create_scheme,
        description="新建服务方案（第1版）/ write version 1 of a policy's service scheme "
        "(R-6.1-scheme)",
    )
    revise_scheme: ServiceSchemeResult = strawberry.mutation(
        resolver=revise_scheme,
        description="修订服务方案：写入新版本，旧版本保留 / revise a scheme: a new version "
        "beside the old one, never an overwrite (R-6.1-scheme, R-7.4-archive)",
    )
