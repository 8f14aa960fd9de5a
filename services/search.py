"""Full-text search (全文检索): the rules — limits on the words and the page, cursors, the
trimmed request, hydration of the hits through the principal's scoped SQL, facet labels.

A hit leaves the server only when the same principal can read its row through GraphQL: the
backend's answer is filtered by the scope (policies/search_filter.py) and every hit is then
checked again in SQL (store/repositories/search_hits.py), so a leak needs two bugs. An
unreachable backend is ``SEARCH_UNAVAILABLE``; writes never wait for it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from policies.scope import unit_of
from search.analysis import query_terms
from search.backend import BackendUnavailable, Bucket, SearchBackend, SearchResult, Snippet
from search.documents import DOC_TYPES
from services.errors import DomainError
from services.search_request import SearchFilters, build_request
from store.enums import ServiceCategory
from store.repositories.base import RowScope
from store.repositories.search_hits import SearchHitRepository

__all__ = ["DOC_TYPES", "SearchBackend", "SearchFilters", "SearchPage", "run_search"]

MAX_TEXT = 200  # characters of the search text
MAX_TERMS = 8  # words (each must match)
DEFAULT_FIRST = 20
MAX_FIRST = 100
MAX_WINDOW = 10_000  # OpenSearch's max_result_window: deeper pages are refused, not truncated

TYPE_LABELS = {
    "service_record": "服务记录",
    "complaint": "投诉",
    "service_scheme": "服务方案",
    "annual_evaluation": "年度评估报告",
    "insured_unit": "投保单位",
}


class SearchError(DomainError):
    code = "SEARCH_INVALID"


def _error(code: str, zh: str, en: str) -> SearchError:
    return SearchError(zh, en, code=code)


@dataclass(frozen=True, slots=True)
class FoundHit:
    doc_type: str
    key: int
    score: float
    title: str
    snippets: tuple[Snippet, ...]
    cursor: str
    unit: int | None = None  # the insured unit the row is about (the audit log's subject)


@dataclass(frozen=True, slots=True)
class Facet:
    value: str
    label: str | None
    count: int


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    hits: tuple[FoundHit, ...]
    facets: dict[str, tuple[Facet, ...]]
    has_next_page: bool
    end_cursor: str | None


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"search:{position}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (UnicodeError, ValueError, binascii.Error) as exc:
        raise _bad_cursor() from exc
    head, _, tail = text.partition(":")
    if head != "search" or not tail.isdigit() or len(tail) > 6:
        raise _bad_cursor()
    return int(tail)


def _bad_cursor() -> SearchError:
    return _error(
        "BAD_CURSOR", "游标无效：请使用检索结果返回的游标", "bad cursor: use one a search returned"
    )


def _check(text: str, first: int | None, after: str | None) -> tuple[tuple[str, ...], int, int]:
    if len(text) > MAX_TEXT:
        raise _error(
            "SEARCH_TEXT_TOO_LONG",
            f"检索词最多 {MAX_TEXT} 个字符",
            f"search text holds at most {MAX_TEXT} characters",
        )
    terms = tuple(query_terms(text, limit=MAX_TERMS + 1))
    if len(terms) > MAX_TERMS:
        raise _error(
            "SEARCH_TOO_MANY_WORDS",
            f"检索词最多 {MAX_TERMS} 个（以空格分隔）",
            f"at most {MAX_TERMS} words (separated by spaces)",
        )
    size = DEFAULT_FIRST if first is None else first
    if size < 0 or size > MAX_FIRST:
        raise _error(
            "PAGE_SIZE_EXCEEDED",
            f"每页 0 至 {MAX_FIRST} 条（请求 {size} 条）",
            f"a page of search hits holds 0 to {MAX_FIRST} (asked for {size})",
        )
    offset = 0 if after is None else decode_cursor(after)
    if offset + size > MAX_WINDOW:
        raise _error(
            "SEARCH_WINDOW_EXCEEDED",
            f"只能翻阅前 {MAX_WINDOW} 条结果，请缩小检索范围",
            f"only the first {MAX_WINDOW} hits can be paged through: narrow the search",
        )
    return terms, offset, size


async def _labels(hits: SearchHitRepository, result: SearchResult) -> dict[str, tuple[Facet, ...]]:
    regions = await hits.region_names(b.value for b in result.facets.get("region", ()))
    insurer_keys = [int(b.value) for b in result.facets.get("insurer", ()) if b.value.isdigit()]
    insurers = await hits.insurer_names(insurer_keys)

    def label(name: str, bucket: Bucket) -> str | None:
        if name == "type":
            return TYPE_LABELS.get(bucket.value)
        if name == "region":
            return regions.get(bucket.value)
        if name == "insurer":
            return insurers.get(int(bucket.value)) if bucket.value.isdigit() else None
        if name == "category":
            return ServiceCategory(bucket.value).label_zh
        return None

    return {
        name: tuple(Facet(b.value, label(name, b), b.count) for b in buckets)
        for name, buckets in result.facets.items()
    }


async def run_search(
    session: AsyncSession,
    scope: RowScope,
    backend: SearchBackend | None,
    *,
    text: str,
    types: tuple[str, ...] | None = None,
    filters: SearchFilters | None = None,
    first: int | None = None,
    after: str | None = None,
) -> SearchPage:
    terms, offset, size = _check(text, first, after)
    if backend is None:
        raise _unavailable("no search backend in this process")
    filters = filters or SearchFilters()
    hits = SearchHitRepository(session, scope)
    level = None if filters.region is None else await hits.region_level(filters.region)
    request = build_request(
        scope,
        terms,
        types or DOC_TYPES,
        filters,
        offset=offset,
        size=size,
        region_level=level,
    )
    if request is None:  # no searchable type is readable at all
        return SearchPage(0, (), {}, False, None)
    try:
        result = await backend.search(request)
    except BackendUnavailable as exc:
        raise _unavailable(str(exc)) from exc
    readable = {
        doc_type: await hits.readable(
            doc_type, (int(h.doc_id) for h in result.hits if h.doc_type == doc_type), unit_of
        )
        for doc_type in {h.doc_type for h in result.hits}
    }
    found = tuple(
        FoundHit(
            h.doc_type,
            int(h.doc_id),
            h.score,
            h.title,
            h.snippets,
            encode_cursor(offset + i + 1),
            readable[h.doc_type][int(h.doc_id)],
        )
        for i, h in enumerate(result.hits)
        if int(h.doc_id) in readable[h.doc_type]
    )
    end = offset + len(result.hits)
    return SearchPage(
        total=result.total,
        hits=found,
        facets=await _labels(hits, result),
        has_next_page=end < result.total,
        end_cursor=encode_cursor(end) if result.hits else None,
    )


def _unavailable(detail: str) -> SearchError:
    return _error(
        "SEARCH_UNAVAILABLE",
        "全文检索暂不可用，请稍后再试（数据写入不受影响）",
        f"full-text search is unavailable for now, try again later ({detail})",
    )
