"""Input for an insurer's contract with a hired agency (R-7.4-archive)."""

from __future__ import annotations

import datetime

import strawberry


@strawberry.input(
    description="登记聘用技术服务机构的合同 / record a contract with a hired agency (R-7.4-archive)"
)
class CreateAgencyContractInput:
    insurer_id: strawberry.ID = strawberry.field(description="保险机构 / the insurer")
    agency_id: strawberry.ID = strawberry.field(
        description="技术服务机构（不得处于暂停状态，R-7.1-staff）/ the agency (not suspended)"
    )
    unit_id: strawberry.ID = strawberry.field(description="投保单位 / the insured unit")
    policy_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="所涉保险合同；不填则涵盖该单位全部保单 / the policy covered; omitted: every "
        "policy of the unit with the insurer",
    )
    signed_on: datetime.date = strawberry.field(description="签订日期 / day signed")
    valid_from: datetime.date = strawberry.field(description="有效期起（含）/ valid from")
    valid_to: datetime.date | None = strawberry.field(
        default=None, description="有效期止（含），不填为长期 / valid to, inclusive; open-ended"
    )
    scope_of_services: str = strawberry.field(description="服务范围 / scope of services")
    document_ref: str = strawberry.field(
        description="合同文本编号或存放位置 / reference of the signed document"
    )
    document_sha256: str | None = strawberry.field(
        default=None, description="合同文本的 SHA-256（64位十六进制）/ SHA-256 of the document"
    )
