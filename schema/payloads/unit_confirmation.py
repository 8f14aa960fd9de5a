"""The result of writing a unit confirmation (投保单位确认)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import Conflict, Forbidden, InputErrors, NotFound
from schema.payloads.base import WriteSuccess
from schema.vocabulary import ConfirmationDecision


@strawberry.type(description="投保单位确认已写入 / the unit confirmation was written (or replayed)")
class UnitConfirmationSuccess(WriteSuccess):
    decision: ConfirmationDecision = strawberry.field(description="确认或异议 / the decision")


UnitConfirmationResult = Annotated[
    UnitConfirmationSuccess | InputErrors | NotFound | Conflict | Forbidden,
    strawberry.union(
        "UnitConfirmationResult",
        description="写入投保单位确认的结果 / outcome of writing a unit confirmation",
    ),
]
