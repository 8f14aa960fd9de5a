"""The result of writing a service record (服务记录)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import Conflict, Forbidden, InputErrors, NotFound
from schema.payloads.base import WriteSuccess
from schema.vocabulary import ServiceStatus


@strawberry.type(description="服务记录已写入 / the service record was written (or replayed)")
class ServiceRecordSuccess(WriteSuccess):
    status: ServiceStatus = strawberry.field(description="服务状态 / state of the record")


ServiceRecordResult = Annotated[
    ServiceRecordSuccess | InputErrors | NotFound | Conflict | Forbidden,
    strawberry.union(
        "ServiceRecordResult",
        description="写入服务记录的结果 / outcome of writing a service record",
    ),
]
