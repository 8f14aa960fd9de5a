"""Mutation recording an insurer's contract with a hired agency (R-7.4-archive)."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.mutations.ids import IdReader
from resolvers.mutations.outcome import Action, create_once, node_id, write_outcome
from schema.inputs.agency_contract import CreateAgencyContractInput
from schema.inputs.common import IdempotencyKeyArgument
from schema.payloads.agency_contract import AgencyContractResult, AgencyContractSuccess
from services import agency_contract as contracts


async def create_agency_contract(
    info: Info, input: CreateAgencyContractInput, idempotency_key: IdempotencyKeyArgument = None
) -> AgencyContractResult:
    async def write(session: AsyncSession) -> AgencyContractSuccess:
        ids = IdReader()
        data = contracts.AgencyContractInput(
            insurer_id=ids.one("insurerId", input.insurer_id, "Insurer"),
            agency_id=ids.one("agencyId", input.agency_id, "Agency"),
            unit_id=ids.one("unitId", input.unit_id, "InsuredUnit"),
            policy_id=ids.maybe("policyId", input.policy_id, "InsurancePolicy"),
            signed_on=input.signed_on,
            valid_from=input.valid_from,
            valid_to=input.valid_to,
            scope_of_services=input.scope_of_services,
            document_ref=input.document_ref,
            document_sha256=input.document_sha256,
        )
        ids.raise_if_any()
        outcome = await create_once(
            info,
            session,
            operation="createAgencyContract",
            key=idempotency_key,
            payload=input,
            create=lambda: contracts.create_agency_contract(session, data),
        )
        row = outcome.row
        return AgencyContractSuccess(
            _pk=row.id, id=node_id("AgencyContract", row.id), replayed=outcome.replayed
        )

    return await write_outcome(info, write, "agency_contract", Action.CREATE)


@strawberry.type
class AgencyContractMutation:
    create_agency_contract: AgencyContractResult = strawberry.mutation(
        resolver=create_agency_contract,
        description="登记聘用技术服务机构的合同（归入投保单位服务档案，只增不改）/ record an "
        "insurer's contract with a hired agency for a unit or one policy; archived, never "
        "changed (R-7.4-archive); a suspended agency gets none (R-7.1-staff)",
    )
