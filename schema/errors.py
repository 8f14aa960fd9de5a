"""Expected failures as schema types (EXAMPLES #6): every one carries a stable ``code``.

Mutations answer with a union of their success type and these; anything unexpected is an
error in ``errors`` with its message masked.
"""

from __future__ import annotations

import strawberry


@strawberry.type(description="字段错误 / one thing wrong with one input field")
class FieldError:
    code: str = strawberry.field(description="稳定错误代码 / stable error code")
    field: str = strawberry.field(description="出错字段路径 / path of the field at fault")
    message_zh: str = strawberry.field(description="中文说明 / message in Chinese")
    message_en: str = strawberry.field(description="英文说明 / message in English")
    rule: str | None = strawberry.field(
        description="依据的标准条款编号（如 R-6.3-followup）/ the rule of the standard behind it"
    )


@strawberry.type(
    description="输入有误，未写入任何数据 / the input was refused; nothing was written"
)
class InputErrors:
    code: str
    message_zh: str
    message_en: str
    errors: list[FieldError] = strawberry.field(description="每个出错字段 / every field at fault")


@strawberry.type(description="未找到（或不在权限范围内）/ absent, or outside the caller's scope")
class NotFound:
    code: str
    message_zh: str
    message_en: str


@strawberry.type(description="与已存数据冲突 / the write contradicts what is stored")
class Conflict:
    code: str
    message_zh: str
    message_en: str


@strawberry.type(
    description="无权写入：策略不允许此操作，或写入的数据不在权限范围内；未写入任何数据 / "
    "refused by the access policy: the action is not granted, or what it would write lies "
    "outside the caller's scope; nothing was written"
)
class Forbidden:
    code: str = strawberry.field(
        description="FORBIDDEN 或 OUT_OF_SCOPE / FORBIDDEN or OUT_OF_SCOPE"
    )
    message_zh: str
    message_en: str
