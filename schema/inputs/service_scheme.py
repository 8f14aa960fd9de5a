"""Inputs for service schemes (事故预防技术服务方案, 3.4): a first version and revisions,
R-6.1-scheme."""

from __future__ import annotations

import datetime
import decimal

import strawberry

from schema.vocabulary import ServiceCategory


@strawberry.input(description="方案服务项目 / a service item of the scheme")
class SchemeItemInput:
    category: ServiceCategory = strawberry.field(description="服务内容 / service category")
    frequency_per_year: int = strawberry.field(description="每年次数 / times per year")
    description: str | None = strawberry.field(
        default=None, description="项目说明 / what the item covers"
    )


@strawberry.input(description="服务方案内容（3.4）/ the fields of a scheme, clause 3.4")
class SchemeContentInput:
    items: list[SchemeItemInput] = strawberry.field(
        description="服务内容和频次 / service items and frequencies"
    )
    time_limits: str = strawberry.field(description="服务时限 / time limits")
    staff_ids: list[strawberry.ID] = strawberry.field(
        description="服务人员 / experts and staff delivering the services"
    )
    budget: decimal.Decimal = strawberry.field(description="费用预算（元）/ budget in yuan")
    expected_effect: str = strawberry.field(description="预期效果 / expected effect")
    guarantees: str = strawberry.field(description="服务保障 / guarantees")
    liability_terms: str = strawberry.field(description="责任条款 / liability terms")
    complaint_arbitration: str = strawberry.field(
        description="投诉仲裁 / complaint and arbitration arrangements"
    )
    agreed_at: datetime.datetime = strawberry.field(
        description="与投保单位协商一致的时间 / when the unit agreed (6.1)"
    )
    agency_id: strawberry.ID | None = strawberry.field(
        default=None, description="服务机构 / the agency delivering, if any"
    )


@strawberry.input(description="新建服务方案（第1版）/ version 1 of a policy's scheme")
class CreateSchemeInput(SchemeContentInput):
    policy_id: strawberry.ID = strawberry.field(description="保险合同 / the policy")


@strawberry.input(
    description="修订服务方案（新版本）/ a new version of a scheme, never an overwrite"
)
class ReviseSchemeInput(SchemeContentInput):
    supersedes_id: strawberry.ID = strawberry.field(
        description="被替代的最新版本 / the latest version, which this one supersedes"
    )
