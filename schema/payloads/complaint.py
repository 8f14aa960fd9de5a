"""The result of writing a complaint (投诉)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import Conflict, Forbidden, InputErrors, NotFound
from schema.payloads.base import WriteSuccess
from schema.vocabulary import ComplaintStatus


@strawberry.type(description="投诉已写入 / the complaint was written (or replayed)")
class ComplaintSuccess(WriteSuccess):
    status: ComplaintStatus = strawberry.field(description="投诉状态 / complaint status")


ComplaintResult = Annotated[
    ComplaintSuccess | InputErrors | NotFound | Conflict | Forbidden,
    strawberry.union(
        "ComplaintResult", description="写入投诉的结果 / outcome of writing a complaint"
    ),
]
