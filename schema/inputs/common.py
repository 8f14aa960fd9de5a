"""Arguments shared by the mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry

IdempotencyKeyArgument = Annotated[
    str | None,
    strawberry.argument(
        description="幂等键：同一键、同一输入的重试返回首次结果且不再写入 / idempotency key "
        "(1–128 printable ASCII): a retry with the same key and input returns the first "
        "result and writes nothing; the key with another input is refused"
    ),
]
