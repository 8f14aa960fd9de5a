"""The result of writing a annual evaluation report (年度评估报告)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import Conflict, Forbidden, InputErrors, NotFound
from schema.payloads.base import WriteSuccess
from schema.vocabulary import EvaluationStatus


@strawberry.type(
    description="年度评估报告已写入 / the annual evaluation report was written (or replayed)"
)
class AnnualEvaluationSuccess(WriteSuccess):
    version: int = strawberry.field(description="报告版本 / version number")
    status: EvaluationStatus = strawberry.field(description="报告状态 / report state")


AnnualEvaluationResult = Annotated[
    AnnualEvaluationSuccess | InputErrors | NotFound | Conflict | Forbidden,
    strawberry.union(
        "AnnualEvaluationResult",
        description="写入年度评估报告的结果 / outcome of writing a annual evaluation report",
    ),
]
