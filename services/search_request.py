"""A principal's search as a backend request: the scope trimmed per type and per child text
(policies/search_filter.py, the one compiler of scope kinds), the user's filters as term
filters on keyword fields, the facets. Nothing a client writes becomes query DSL except the
words, and those only as phrase queries."""

from __future__ import annotations

from dataclasses import dataclass

from policies.scope import Scope
from policies.search_filter import MATCH_ALL, MATCH_NONE, Filter, all_of, search_filter, term
from search.backend import FieldGroup, SearchRequest, TypeQuery
from search.documents import CHILD_FIELDS, CHILD_GROUPS, OWN_FIELDS
from store.repositories.base import EVERYTHING, RowScope

# Facet name → keyword field; the region facet's field depends on the region filter.
REGION_LEVEL_FIELDS = {None: "region_l1", "province": "region_l2", "city": "region_l3"}
FACET_SIZE = 20


@dataclass(frozen=True, slots=True)
class SearchFilters:
    region: str | None = None  # a GB/T 2260 code: that region and everything below it
    insurer_id: int | None = None
    year: int | None = None
    category: str | None = None


def _scope_filter(scope: RowScope, resource: str, anchor: str | None = None) -> Filter:
    if isinstance(scope, Scope):
        return search_filter(scope, resource, anchor=anchor)
    if scope is EVERYTHING:
        return MATCH_ALL  # trusted tools (CLI, schema-level tests) read everything
    raise TypeError(f"no search filter for scope {type(scope).__name__}")  # deny, loudly


def _user_filters(filters: SearchFilters) -> list[Filter]:
    parts = []
    if filters.region is not None:
        parts.append(term("region_ancestors", filters.region))
    if filters.insurer_id is not None:
        parts.append(term("insurer_ids", filters.insurer_id))
    if filters.year is not None:
        parts.append(term("year", filters.year))
    if filters.category is not None:
        parts.append(term("categories", filters.category))
    return parts


def type_query(scope: RowScope, doc_type: str, filters: SearchFilters) -> TypeQuery | None:
    """None when the principal may read no document of the type."""
    own = _scope_filter(scope, doc_type)
    if own == MATCH_NONE:
        return None
    groups = [FieldGroup(OWN_FIELDS[doc_type])]
    for name in CHILD_GROUPS.get(doc_type, ()):
        child = _scope_filter(scope, CHILD_FIELDS[name], doc_type)
        if child == MATCH_NONE:
            continue  # the policy names no right on those children: their text is not searched
        if child in (own, MATCH_ALL):
            groups.append(FieldGroup((name,)))
        else:
            # Narrower than the parent: searched only where it holds, never highlighted (a
            # snippet could come from a document the child right does not reach).
            groups.append(FieldGroup((name,), child, highlight=False))
    return TypeQuery(doc_type, all_of(own, *_user_filters(filters)), tuple(groups))


def build_request(
    scope: RowScope,
    terms: tuple[str, ...],
    types: tuple[str, ...],
    filters: SearchFilters,
    *,
    offset: int,
    size: int,
    region_level: str | None,
) -> SearchRequest | None:
    queries = [q for t in types if (q := type_query(scope, t, filters)) is not None]
    if not queries:
        return None
    facets = {
        "type": "type",
        "region": REGION_LEVEL_FIELDS.get(region_level, "region_l3"),
        "insurer": "insurer_ids",
        "year": "year",
        "category": "categories",
    }
    return SearchRequest(terms, tuple(queries), offset, size, facets, FACET_SIZE)
