"""What every successful write answers."""

from __future__ import annotations

import strawberry


@strawberry.interface(
    description="写入成功 / a write that succeeded, or an idempotent replay of one"
)
class WriteSuccess:
    _pk: strawberry.Private[int]  # the row's primary key, for fields that load the record
    id: strawberry.ID = strawberry.field(
        description="全局编号（如 ServiceRecord:42）/ global id of the row, e.g. ServiceRecord:42"
    )
    replayed: bool = strawberry.field(
        description="幂等重放：此前同一幂等键的请求已写入，本次未写入 / an earlier request with "
        "the same idempotency key wrote this row; this one wrote nothing"
    )
