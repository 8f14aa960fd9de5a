"""The result of writing a improvement measure (改进措施)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import Conflict, Forbidden, InputErrors, NotFound
from schema.payloads.base import WriteSuccess
from schema.vocabulary import ImprovementStatus


@strawberry.type(description="改进措施已写入 / the improvement measure was written (or replayed)")
class ImprovementMeasureSuccess(WriteSuccess):
    status: ImprovementStatus = strawberry.field(description="改进进度 / progress")


ImprovementMeasureResult = Annotated[
    ImprovementMeasureSuccess | InputErrors | NotFound | Conflict | Forbidden,
    strawberry.union(
        "ImprovementMeasureResult",
        description="写入改进措施的结果 / outcome of writing a improvement measure",
    ),
]
