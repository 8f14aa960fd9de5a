"""The result of writing a service scheme (服务方案)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import Conflict, Forbidden, InputErrors, NotFound
from schema.payloads.base import WriteSuccess


@strawberry.type(description="服务方案已写入 / the service scheme was written (or replayed)")
class ServiceSchemeSuccess(WriteSuccess):
    version: int = strawberry.field(description="方案版本 / version number")


ServiceSchemeResult = Annotated[
    ServiceSchemeSuccess | InputErrors | NotFound | Conflict | Forbidden,
    strawberry.union(
        "ServiceSchemeResult",
        description="写入服务方案的结果 / outcome of writing a service scheme",
    ),
]
