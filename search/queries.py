"""The OpenSearch request body of a search, with its boosts (EXAMPLES #13).

User text only ever reaches OpenSearch as the ``query`` of a ``multi_match`` of type
``phrase`` (never ``query_string``, whose syntax a user could use to reach other fields);
filters and aggregations are built here from the server's own request, never from a client.
"""

from __future__ import annotations

from typing import Any

from search.backend import FieldGroup, SearchRequest, TypeQuery
from search.documents import TEXT_FIELDS

HIGHLIGHT_FRAGMENT = 80  # characters per snippet
HIGHLIGHT_FRAGMENTS = 2  # snippets per field


def _phrase(term: str, group: FieldGroup) -> dict[str, Any]:
    match = {
        "multi_match": {
            "query": term,
            "type": "phrase",
            "fields": [f"{name}^{TEXT_FIELDS[name]:g}" for name in group.fields],
        }
    }
    if group.filter is None:
        return match
    return {"bool": {"filter": [group.filter], "must": [match]}}


def _term_clause(term: str, groups: tuple[FieldGroup, ...]) -> dict[str, Any]:
    return {"bool": {"should": [_phrase(term, g) for g in groups], "minimum_should_match": 1}}


def type_clause(query: TypeQuery, terms: tuple[str, ...]) -> dict[str, Any]:
    clause: dict[str, Any] = {"filter": [{"term": {"type": query.doc_type}}, query.filter]}
    if terms:
        clause["must"] = [_term_clause(t, query.groups) for t in terms]
    return {"bool": clause}


def highlight_fields(request: SearchRequest) -> list[str]:
    names = {n for q in request.types for g in q.groups if g.highlight for n in g.fields}
    return [name for name in TEXT_FIELDS if name in names and name != "title"]


def search_body(request: SearchRequest) -> dict[str, Any]:
    body: dict[str, Any] = {
        "query": {
            "bool": {
                "should": [type_clause(q, request.terms) for q in request.types],
                "minimum_should_match": 1,
            }
        },
        "from": request.offset,
        "size": request.size,
        "track_total_hits": True,
        "sort": [{"_score": "desc"}, {"doc_key": "asc"}],
        "_source": ["type", "id", "title"],
        "aggs": {
            name: {"terms": {"field": field, "size": request.facet_size}}
            for name, field in request.facets.items()
        },
    }
    fields = highlight_fields(request)
    if request.terms and fields:
        body["highlight"] = {
            "encoder": "html",
            "pre_tags": ["<em>"],
            "post_tags": ["</em>"],
            "fields": {
                name: {
                    "number_of_fragments": HIGHLIGHT_FRAGMENTS,
                    "fragment_size": HIGHLIGHT_FRAGMENT,
                }
                for name in fields
            },
        }
    return body
