"""The result of writing a insurance policy (保险合同)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import Conflict, Forbidden, InputErrors, NotFound
from schema.payloads.base import WriteSuccess


@strawberry.type(description="保险合同已写入 / the insurance policy was written (or replayed)")
class InsurancePolicySuccess(WriteSuccess):
    policy_no: str = strawberry.field(description="保单号 / policy number")


InsurancePolicyResult = Annotated[
    InsurancePolicySuccess | InputErrors | NotFound | Conflict | Forbidden,
    strawberry.union(
        "InsurancePolicyResult",
        description="写入保险合同的结果 / outcome of writing a insurance policy",
    ),
]
