"""The standard's vocabularies as GraphQL types: every code with its Chinese term."""

from __future__ import annotations

import strawberry

from store.enums import Role, ServiceCategory

# strawberry.enum registers the store's enums in place, so the same class is the Python and
# the GraphQL type, and mypy sees a real class.
strawberry.enum(Role, name="Role", description="角色 / role of a principal")
strawberry.enum(
    ServiceCategory, name="ServiceCategory", description="服务内容 / service category (5.1 a–f)"
)

__all__ = ["Role", "ServiceCategory", "Term"]


@strawberry.type(description="术语 / a code of the standard with its Chinese term")
class Term:
    code: str = strawberry.field(description="稳定代码 / stable code")
    label_zh: str = strawberry.field(description="标准中的中文术语 / the standard's Chinese term")
