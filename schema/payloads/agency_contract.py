"""The result of recording a contract with a hired agency (R-7.4-archive)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import Conflict, Forbidden, InputErrors, NotFound
from schema.payloads.base import WriteSuccess


@strawberry.type(description="机构合同已登记 / the agency contract was recorded (or replayed)")
class AgencyContractSuccess(WriteSuccess):
    pass


AgencyContractResult = Annotated[
    AgencyContractSuccess | InputErrors | NotFound | Conflict | Forbidden,
    strawberry.union(
        "AgencyContractResult",
        description="登记机构合同的结果 / outcome of recording an agency contract",
    ),
]
