"""The ``unitArchive`` root field (档案, R-7.4-archive): parse the id, check the unit lies
in the caller's archive scope (services.archive.unit_archive), and resolve the parts the
query asks for: documents, integrity, and the entries page by page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from graphql import GraphQLError

from resolvers.context import Info
from resolvers.errors import graphql_error
from schema import archive as gql
from schema.ids import BadGlobalId, global_id, parse_int_id
from schema.types.common import Edge, PageInfo
from schema.types.fields import DEFAULT_PAGE_DOC
from services.archive import unit_archive as service
from services.errors import DomainError
from services.reading import RowsSeen
from services.rulesets import chosen
from services.working_days import china_today
from services.write_access import Action

if TYPE_CHECKING:  # the rows the service returns; no runtime dependency on the store
    from store.models.archive_entry import ArchiveEntry as ArchiveEntryRow


def _entry(row: ArchiveEntryRow) -> gql.ArchiveEntry:
    return gql.ArchiveEntry(
        id=strawberry.ID(global_id("ArchiveEntry", row.id)),
        seq=row.seq,
        kind=row.kind,
        source_table=row.source_table,
        source_id=row.source_id,
        source_version=row.source_version,
        content=row.content,
        prev_hash=row.prev_hash,
        hash=row.hash,
        recorded_at=row.recorded_at,
    )


async def _documents(root: UnitArchive, info: Info) -> list[gql.ArchiveDocument]:
    context = info.context
    rules = chosen(context.ruleset, china_today())
    async with context.db_lock:
        found = await service.completeness(
            context.session, context.access.for_action(Action.READ), _key(root), rules
        )
    return [
        gql.ArchiveDocument(
            document=d.document, state=gql.ArchiveDocumentState(d.state.value), entries=d.entries
        )
        for d in found
    ]


async def _integrity(root: UnitArchive, info: Info) -> gql.ArchiveIntegrity:
    context = info.context
    rules = chosen(context.ruleset, china_today())
    async with context.db_lock:
        found = await service.integrity(context.session, _key(root), rules)
    return gql.ArchiveIntegrity(
        state=gql.ArchiveIntegrityState(found.state.value),
        broken_at_seq=found.seq,
        problem=found.problem,
        detail=found.detail,
    )


async def _entries(
    root: UnitArchive,
    info: Info,
    first: Annotated[int | None, strawberry.argument(description=DEFAULT_PAGE_DOC)] = None,
    after: str | None = None,
) -> gql.ArchiveEntryConnection:
    context = info.context
    unit = _key(root)
    try:
        async with context.db_lock:
            page = await service.entries(
                context.session,
                context.access.for_action(Action.READ),
                unit,
                first=first,
                after=after,
            )
    except DomainError as exc:
        raise graphql_error(exc) from exc
    record = context.audit_reads("ArchiveEntry")  # reading an archive is audited
    if record is not None:
        record(RowsSeen(keys=tuple(r.id for r in page.entries), units=frozenset({unit})))
    nodes = [_entry(row) for row in page.entries]
    cursors = [service.cursor_of(row.seq) for row in page.entries]
    return gql.ArchiveEntryConnection(
        edges=[Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)],
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.more,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
    )


@strawberry.type(
    description="投保单位的档案：所含资料、链的完整性和条目（R-7.4-archive）/ an insured "
    "unit's tamper-evident archive: documents held, chain integrity, and its entries"
)
class UnitArchive:
    unit_id: strawberry.ID = strawberry.field(description="投保单位 / the insured unit")
    documents: list[gql.ArchiveDocument] = strawberry.field(
        resolver=_documents,
        description="规则集要求的各类资料是否在档（仅计可读条目）/ each document kind the "
        "ruleset requires, present or missing (counting entries the caller may read)",
    )
    integrity: gql.ArchiveIntegrity = strawberry.field(
        resolver=_integrity,
        description="重新计算整条档案链并与所归档记录比对 / the whole chain recomputed and "
        "compared with the rows it archives",
    )
    entries: gql.ArchiveEntryConnection = strawberry.field(
        resolver=_entries, description="档案链条目（按序号）/ the chain's entries in order"
    )


def _key(archive: UnitArchive) -> int:
    return parse_int_id(str(archive.unit_id), "InsuredUnit")


async def resolve_unit_archive(
    info: Info,
    unit_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="投保单位（InsuredUnit:编号）/ the insured unit's id"),
    ],
) -> UnitArchive:
    try:
        unit = parse_int_id(str(unit_id), "InsuredUnit")
    except BadGlobalId as exc:
        raise GraphQLError(
            f"bad id for InsuredUnit: {exc}",
            extensions={"code": "BAD_ID", "messageZh": "ID 无效，应为 InsuredUnit:<主键>"},
        ) from exc
    context = info.context
    try:
        async with context.db_lock:
            await service.visible_unit(
                context.session, context.access.for_action(Action.READ), unit
            )
    except DomainError as exc:
        raise graphql_error(exc) from exc
    return UnitArchive(unit_id=strawberry.ID(global_id("InsuredUnit", unit)))


@strawberry.type
class ArchiveQuery:
    unit_archive: UnitArchive = strawberry.field(
        resolver=resolve_unit_archive,
        description="投保单位的防篡改档案（R-7.4-archive；监管部门限辖区，保险机构限本机构条目，"
        "单位限本单位）/ an insured unit's tamper-evident archive (regulators: their "
        "jurisdiction; insurers: their own entries; units: their own)",
    )
