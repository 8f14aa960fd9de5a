"""A unit's tamper-evident archive as GraphQL (档案 / archive, R-7.4-archive)."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry

from schema.types.common import Edge, PageInfo


@strawberry.enum(description="档案资料的状态 / whether the archive holds a kind of document")
class ArchiveDocumentState(enum.Enum):
    PRESENT = "present"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"
    NOT_IN_CHAIN = "not_in_chain"


@strawberry.enum(description="档案链完整性 / integrity of the archive chain")
class ArchiveIntegrityState(enum.Enum):
    INTACT = "intact"
    BROKEN = "broken"
    UNVERIFIED = "unverified"


@strawberry.type(
    description="规则集要求归档的一类资料及其状态（R-7.4-archive）/ one kind of document the "
    "ruleset's retention rule requires, and whether the archive holds it. NOT_APPLICABLE: no "
    "agency served the unit; NOT_IN_CHAIN: evaluation reports are the insurer's, kept as "
    "versioned annual evaluations outside the unit chains"
)
class ArchiveDocument:
    document: str = strawberry.field(
        description="资料类别（规则集 [retention] documents）/ the ruleset's document kind"
    )
    state: ArchiveDocumentState
    entries: int = strawberry.field(description="可见的档案条目数 / entries the caller may see")


@strawberry.type(
    description="档案链完整性：完整，或自第几条起损坏 / whether the chain is intact, or the "
    "first broken entry (UNVERIFIED: too long to recompute in a request; run anzexian verify)"
)
class ArchiveIntegrity:
    state: ArchiveIntegrityState
    broken_at_seq: int | None = strawberry.field(
        description="第一条损坏条目的序号（无条目的记录为空）/ seq of the first broken entry "
        "(null: a row missing from the chain)"
    )
    problem: str | None = strawberry.field(
        description="问题代码（如 HASH、SEQUENCE、SOURCE_CHANGED）/ problem code"
    )
    detail: str | None = strawberry.field(description="说明 / what is wrong")


@strawberry.type(
    description="档案链条目：某一归档记录的一个版本，链接上一条目的哈希 / an archive chain entry: "
    "one version of one archived row, chained to the previous entry's hash"
)
class ArchiveEntry:
    id: strawberry.ID = strawberry.field(description="全局 ID（ArchiveEntry:编号）/ global id")
    seq: int = strawberry.field(description="链内序号（从 1 起）/ position in the chain, from 1")
    kind: str = strawberry.field(description="资料类别 / document kind")
    source_table: str = strawberry.field(description="来源表 / the archived row's table")
    source_id: int = strawberry.field(description="来源记录主键 / the archived row's key")
    source_version: int = strawberry.field(
        description="该记录的版本（更正为新版本）/ version of that row (a correction is a new one)"
    )
    content: str = strawberry.field(
        description="规范化 JSON 内容 / the canonical JSON that was hashed (store/archive/"
        "canonical.py)"
    )
    prev_hash: str = strawberry.field(description="上一条目的哈希 / the previous entry's hash")
    hash: str = strawberry.field(description="SHA-256 哈希 / SHA-256 of prev hash and entry")
    recorded_at: datetime = strawberry.field(description="归档时间（UTC）/ archived at (UTC)")


@strawberry.type(description="档案链条目列表（按序号）/ archive entries in chain order")
class ArchiveEntryConnection:
    edges: list[Edge[ArchiveEntry]]
    nodes: list[ArchiveEntry] = strawberry.field(description="各边的节点 / the nodes of the edges")
    page_info: PageInfo
