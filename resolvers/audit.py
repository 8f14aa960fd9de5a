"""The ``archiveReads`` root field (审计日志): parse the arguments, call
``services.audit_reads``, map the entries. Authorization is the policy's (the service reads
through the scope of ``audit_entry``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from graphql import GraphQLError

from resolvers.context import Info
from resolvers.errors import graphql_error
from schema.audit import AuditEntry, AuditEntryConnection
from schema.ids import BadGlobalId, global_id, parse_int_id
from schema.types.common import Edge, PageInfo
from schema.types.fields import DEFAULT_PAGE_DOC
from schema.vocabulary import Role
from services.audit_reads import ArchiveReadsQuery, archive_reads, cursor_of
from services.errors import DomainError
from services.reading import RowsSeen
from services.write_access import Action

if TYPE_CHECKING:  # the rows the service returns; no runtime dependency on the store
    from store.models.audit_entry import AuditEntry as AuditEntryRow
    from store.repositories.audit_entry import EntryPage


def _entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        id=strawberry.ID(global_id("AuditEntry", row.id)),
        at=row.at,
        principal=row.principal,
        roles=[Role(role) for role in row.roles.split(",") if role],
        scope=row.scope,
        kind=row.kind,
        operation_name=row.operation_name,
        operation_hash=row.operation_hash,
        variables_hash=row.variables_hash,
        row_count=row.row_count,
        aggregate=row.aggregate,
    )


def _connection(page: EntryPage, *, after: str | None) -> AuditEntryConnection:
    nodes = [_entry(row) for row in page.entries]
    cursors = [cursor_of(row.id) for row in page.entries]
    return AuditEntryConnection(
        edges=[Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)],
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.more,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
    )


async def resolve_archive_reads(
    info: Info,
    unit_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="投保单位（InsuredUnit:编号）/ the insured unit's id"),
    ],
    first: Annotated[int | None, strawberry.argument(description=DEFAULT_PAGE_DOC)] = None,
    after: str | None = None,
    from_: Annotated[
        datetime | None,
        strawberry.argument(name="from", description="起（含）/ from, inclusive"),
    ] = None,
    to: Annotated[
        datetime | None, strawberry.argument(description="止（不含）/ to, exclusive")
    ] = None,
) -> AuditEntryConnection:
    try:
        unit = parse_int_id(str(unit_id), "InsuredUnit")
    except BadGlobalId as exc:
        raise GraphQLError(
            f"bad id for InsuredUnit: {exc}",
            extensions={"code": "BAD_ID", "messageZh": "ID 无效，应为 InsuredUnit:<主键>"},
        ) from exc
    query = ArchiveReadsQuery(unit_id=unit, first=first, after=after, since=from_, until=to)
    context = info.context
    try:
        async with context.db_lock:
            page = await archive_reads(
                context.session, context.access.for_action(Action.READ), query
            )
    except DomainError as exc:
        raise graphql_error(exc) from exc
    record = context.audit_reads("AuditEntry")  # reading the log is audited too
    if record is not None:
        record(RowsSeen(keys=tuple(row.id for row in page.entries)))
    return _connection(page, after=after)


@strawberry.type
class AuditQuery:
    archive_reads: AuditEntryConnection = strawberry.field(
        resolver=resolve_archive_reads,
        description="审计日志：谁读取了该投保单位的档案（最新在前；监管部门限辖区内单位，管理员"
        "不限）/ audit log: who read this insured unit's archive, newest first (regulators: "
        "units of their jurisdiction; admins: any unit)",
    )
