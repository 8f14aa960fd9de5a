"""The audit log as GraphQL (审计日志 / audit log): who read an insured unit's archive."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.types.common import Edge, PageInfo
from schema.vocabulary import AuditOperationKind, Role


@strawberry.type(
    description="审计日志条目：一次操作由谁、以何角色和范围执行，返回了多少行 / an audit log "
    "entry: one operation, who ran it in which roles and scope, and how many rows it returned"
)
class AuditEntry:
    id: strawberry.ID = strawberry.field(description="全局 ID（AuditEntry:编号）/ global id")
    at: datetime = strawberry.field(description="操作开始时间（UTC）/ when it started (UTC)")
    principal: str = strawberry.field(description="执行主体 / the principal's name")
    roles: list[Role] = strawberry.field(description="角色 / its roles")
    scope: str = strawberry.field(
        description="读取范围摘要（如 regulator@jurisdiction:440000）/ the scope it read "
        "through, e.g. regulator@jurisdiction:440000"
    )
    kind: AuditOperationKind = strawberry.field(description="操作类别 / kind of operation")
    operation_name: str | None = strawberry.field(description="操作名称 / operation name")
    operation_hash: str = strawberry.field(
        description="查询文本的 SHA-256 / sha256 of the GraphQL document"
    )
    variables_hash: str = strawberry.field(
        description="变量（规范 JSON）的 SHA-256 / sha256 of the variables as canonical JSON"
    )
    row_count: int = strawberry.field(
        description="返回的行数（汇总查询为分组数）/ rows returned (for aggregates: groups)"
    )
    aggregate: bool = strawberry.field(
        description="汇总查询：只有数字，没有记录 / an aggregate: figures, no rows"
    )


@strawberry.type(
    description="审计日志条目列表（最新在前）/ audit log entries, newest first (keyset cursors)"
)
class AuditEntryConnection:
    edges: list[Edge[AuditEntry]]
    nodes: list[AuditEntry] = strawberry.field(description="各边的节点 / the nodes of the edges")
    page_info: PageInfo
