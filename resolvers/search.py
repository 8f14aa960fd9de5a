"""The ``search`` root field (全文检索): parse the arguments, call ``services.search``, map
the page. Each hit's ``node`` is read through the compiled, scoped read path."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.compiled.read import RootCall, read_node
from resolvers.context import Info
from resolvers.errors import graphql_error
from schema import search as gql
from schema.ids import BadGlobalId, global_id, parse_int_id
from schema.types.common import Node
from services.errors import DomainError, FieldError, InputError
from services.search import FoundHit, SearchFilters, SearchPage, run_search
from store.repositories.graph.audit import RowsSeen


async def _hit_node(root: SearchHit, info: Info) -> Node | None:
    """One compiled, scoped read per hit (a page holds at most 100)."""
    return await read_node(RootCall.of(info), str(root.id))  # type: ignore[no-any-return]


@strawberry.type(description="检索命中 / a search hit")
class SearchHit:
    id: strawberry.ID = strawberry.field(description="全局 ID / global id (Type:key)")
    type: gql.SearchType = strawberry.field(description="记录类型 / record type")
    score: float = strawberry.field(description="相关度 / relevance score")
    title: str = strawberry.field(description="标题 / title")
    snippets: list[gql.SearchSnippet] = strawberry.field(description="命中片段 / snippets")
    cursor: str = strawberry.field(description="游标 / cursor (use as `after`)")
    node: Node | None = strawberry.field(
        resolver=_hit_node,
        description="记录本身（按权限读取）/ the record, read through your scope",
    )


@strawberry.type(description="检索结果 / search results")
class SearchResult:
    total_count: int = strawberry.field(description="命中总数 / hits in total")
    hits: list[SearchHit] = strawberry.field(description="本页命中 / this page's hits")
    facets: gql.SearchFacets = strawberry.field(description="分面 / facets")
    has_next_page: bool = strawberry.field(description="是否还有下一页 / more hits after")
    end_cursor: str | None = strawberry.field(description="本页末游标 / cursor after this page")


def _filters(value: gql.SearchFilter | None) -> SearchFilters:
    if value is None:
        return SearchFilters()
    insurer = None
    if value.insurer is not None:
        try:
            insurer = parse_int_id(str(value.insurer), "Insurer")
        except BadGlobalId as exc:
            raise InputError(
                [
                    FieldError(
                        "BAD_GLOBAL_ID",
                        "filter.insurer",
                        "应为保险机构全局 ID（Insurer:<主键>）",
                        "must be an insurer's global id (Insurer:<key>)",
                    )
                ]
            ) from exc
    category = None if value.category is None else value.category.value
    return SearchFilters(value.region, insurer, value.year, category)


def _hit(hit: FoundHit) -> SearchHit:
    return SearchHit(
        id=strawberry.ID(global_id(gql.GRAPHQL_TYPES[hit.doc_type], hit.key)),
        type=gql.SearchType(hit.doc_type),
        score=hit.score,
        title=hit.title,
        snippets=[gql.SearchSnippet(field=_camel(s.field), text=s.text) for s in hit.snippets],
        cursor=hit.cursor,
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _result(page: SearchPage) -> SearchResult:
    def buckets(name: str) -> list[gql.SearchFacetBucket]:
        out = []
        for f in page.facets.get(name, ()):
            value = global_id("Insurer", f.value) if name == "insurer" else f.value
            out.append(gql.SearchFacetBucket(value=value, label=f.label, count=f.count))
        return out

    return SearchResult(
        total_count=page.total,
        hits=[_hit(h) for h in page.hits],
        facets=gql.SearchFacets(
            type=buckets("type"),
            region=buckets("region"),
            insurer=buckets("insurer"),
            year=buckets("year"),
            category=buckets("category"),
        ),
        has_next_page=page.has_next_page,
        end_cursor=page.end_cursor,
    )


def _audit(info: Info, page: SearchPage) -> None:
    # Titles and snippets show rows: the audit log lists them as the reads of this operation,
    # with the units they are about ("who read this unit" includes who found it by search).
    for doc_type, type_name in gql.GRAPHQL_TYPES.items():
        shown = [h for h in page.hits if h.doc_type == doc_type]
        record = info.context.audit_reads(type_name)
        if shown and record is not None:
            units = frozenset(h.unit for h in shown if h.unit is not None)
            record(RowsSeen(keys=tuple(h.key for h in shown), units=units))


async def search(
    info: Info,
    text: Annotated[str, strawberry.argument(description="检索词，空格分隔，均须命中 / words")],
    types: Annotated[
        list[gql.SearchType] | None,
        strawberry.argument(description="只检索这些类型 / only these types (default: all)"),
    ] = None,
    filter: gql.SearchFilter | None = None,
    first: Annotated[
        int | None, strawberry.argument(description="每页条数，默认 20，最多 100 / page size")
    ] = None,
    after: str | None = None,
) -> SearchResult:
    context = info.context
    try:
        filters = _filters(filter)
        async with context.db_lock:
            page = await run_search(
                context.session,
                context.scope,
                context.search,
                text=text,
                types=None if not types else tuple(t.value for t in types),
                filters=filters,
                first=first,
                after=after,
            )
    except DomainError as exc:
        raise graphql_error(exc) from exc
    _audit(info, page)
    return _result(page)


@strawberry.type
class SearchQuery:
    search: SearchResult = strawberry.field(
        resolver=search,
        description="全文检索：服务记录（含隐患、回访）、投诉、服务方案、年度评估报告、投保单位，"
        "仅返回您有权读取的记录 / full-text search over service records (with hazards and "
        "follow-ups), complaints, schemes, evaluation reports and units; only rows you may read",
    )


__all__: list[str] = ["SearchQuery"]
