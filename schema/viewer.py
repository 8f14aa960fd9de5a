"""The principal making the request."""

from __future__ import annotations

import strawberry

from schema.vocabulary import Role


@strawberry.type(
    description="当前用户 / the principal making this request (public without a token)"
)
class Viewer:
    name: str
    display_name: str = strawberry.field(description="显示名称 / display name")
    roles: list[Role] = strawberry.field(description="角色 / roles granted")
