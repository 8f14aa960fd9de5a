"""Search requests for the backend-level tests, as services/search.py builds them."""

from __future__ import annotations

from collections.abc import Mapping

from search.backend import FieldGroup, Filter, SearchRequest, TypeQuery
from search.documents import CHILD_GROUPS, DOC_TYPES, OWN_FIELDS

FACETS = {
    "type": "type",
    "region": "region_l1",
    "insurer": "insurer_ids",
    "year": "year",
    "category": "categories",
}
ALL: Filter = {"match_all": {}}


def request(
    text: str,
    *,
    types: tuple[str, ...] = DOC_TYPES,
    filters: Mapping[str, Filter] | None = None,
    child_filters: Mapping[str, Filter] | None = None,
    offset: int = 0,
    size: int = 50,
) -> SearchRequest:
    queries = []
    for doc_type in types:
        groups = [FieldGroup(OWN_FIELDS[doc_type])]
        for name in CHILD_GROUPS.get(doc_type, ()):
            own = (child_filters or {}).get(name)
            groups.append(FieldGroup((name,), own, highlight=own is None))
        queries.append(TypeQuery(doc_type, (filters or {}).get(doc_type, ALL), tuple(groups)))
    return SearchRequest(tuple(text.split()), tuple(queries), offset, size, FACETS)
