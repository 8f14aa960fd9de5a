"""The result of writing a follow-up (回访记录)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import Conflict, Forbidden, InputErrors, NotFound
from schema.payloads.base import WriteSuccess


@strawberry.type(description="回访记录已写入 / the follow-up was written (or replayed)")
class FollowUpSuccess(WriteSuccess):
    service_record_id: strawberry.ID = strawberry.field(
        description="服务记录 / the service followed up"
    )


FollowUpResult = Annotated[
    FollowUpSuccess | InputErrors | NotFound | Conflict | Forbidden,
    strawberry.union(
        "FollowUpResult", description="写入回访记录的结果 / outcome of writing a follow-up"
    ),
]
