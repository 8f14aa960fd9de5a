"""Inputs for registering an insurance policy (保险合同), R-4.1-contract."""

from __future__ import annotations

import datetime
import decimal

import strawberry

from schema.vocabulary import ServiceCategory


@strawberry.input(
    description="约定的服务项目 / a service item the contract agrees (R-4.1-contract)"
)
class PolicyItemInput:
    category: ServiceCategory = strawberry.field(description="服务内容 / service category")
    frequency_per_year: int = strawberry.field(description="每年次数 / times per policy year")


@strawberry.input(description="新建保险合同 / register an insurance policy")
class CreatePolicyInput:
    insurer_id: strawberry.ID = strawberry.field(description="保险机构 / the insurer")
    unit_id: strawberry.ID = strawberry.field(description="投保单位 / the insured unit")
    policy_no: str = strawberry.field(description="保单号 / policy number")
    period_start: datetime.date = strawberry.field(description="保险期间起始日 / first day")
    period_end: datetime.date = strawberry.field(
        description="保险期间截止日（不含）/ end of the period, exclusive"
    )
    premium: decimal.Decimal = strawberry.field(description="保费（元）/ premium in yuan")
    prevention_fee_ratio: decimal.Decimal = strawberry.field(
        description="事故预防服务费用比例（0–1）/ premium share for prevention (R-7.3-ledger)"
    )
    items: list[PolicyItemInput] = strawberry.field(
        description="服务项目及频次 / agreed service items and frequencies (R-4.1-contract)"
    )
    branch_id: strawberry.ID | None = strawberry.field(
        default=None, description="承保分支机构 / the insurer's branch, if any"
    )
