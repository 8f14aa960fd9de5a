"""Mutations on insurance policies (保险合同), R-4.1-contract."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.mutations.ids import IdReader
from resolvers.mutations.outcome import Action, create_once, node_id, write_outcome
from schema.inputs.common import IdempotencyKeyArgument
from schema.inputs.insurance_policy import CreatePolicyInput
from schema.payloads.insurance_policy import InsurancePolicyResult, InsurancePolicySuccess
from services import insurance_policy as policies


async def create_policy(
    info: Info, input: CreatePolicyInput, idempotency_key: IdempotencyKeyArgument = None
) -> InsurancePolicyResult:
    async def write(session: AsyncSession) -> InsurancePolicySuccess:
        ids = IdReader()
        data = policies.PolicyInput(
            insurer_id=ids.one("insurerId", input.insurer_id, "Insurer"),
            unit_id=ids.one("unitId", input.unit_id, "InsuredUnit"),
            branch_id=ids.maybe("branchId", input.branch_id, "InsurerBranch"),
            policy_no=input.policy_no,
            period_start=input.period_start,
            period_end=input.period_end,
            premium=input.premium,
            prevention_fee_ratio=input.prevention_fee_ratio,
            items=tuple(
                policies.PolicyItemInput(item.category, item.frequency_per_year)
                for item in input.items
            ),
        )
        ids.raise_if_any()
        outcome = await create_once(
            info,
            session,
            operation="createPolicy",
            key=idempotency_key,
            payload=input,
            create=lambda: policies.create_policy(session, data),
        )
        policy = outcome.row
        return InsurancePolicySuccess(
            _pk=policy.id,
            id=node_id("InsurancePolicy", policy.id),
            replayed=outcome.replayed,
            policy_no=policy.policy_no,
        )

    return await write_outcome(info, write, "insurance_policy", Action.CREATE)


@strawberry.type
class InsurancePolicyMutation:
    create_policy: InsurancePolicyResult = strawberry.mutation(
        resolver=create_policy,
        description="新建保险合同及约定服务项目 / register a policy with its agreed service "
        "items (R-4.1-contract)",
    )
