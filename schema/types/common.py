"""Relay building blocks shared by every record type: Node, connections, sorting."""

from __future__ import annotations

from enum import Enum
from typing import Generic, TypeVar

import strawberry

T = TypeVar("T")


class NotCompiled(RuntimeError):
    """A compiled field was resolved by graphql-core: the compiled executor was bypassed."""


@strawberry.interface(description="可按全局 ID 读取的对象 / an object readable by its global id")
class Node:
    id: strawberry.ID = strawberry.field(description="全局 ID（类型:主键）/ global id (Type:key)")


@strawberry.enum(description="排序方向 / sort direction")
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.type(description="分页信息 / Relay page information")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="向前分页时：是否传入了 after / going forward: whether `after` was given"
    )
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="连接中的一条边 / an edge of a connection")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="游标（键集分页）/ keyset cursor")
    node: T


@strawberry.type(description="分页列表（键集游标）/ a keyset-paginated list")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T] = strawberry.field(description="各边的节点 / the nodes of the edges")
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="满足条件的总数（仅在请求时计算）/ rows matching, computed only when asked"
    )
