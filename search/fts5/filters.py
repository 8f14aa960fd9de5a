"""The scope compiler's filter DSL (policies/search_filter.py) as SQL over an FTS5 index.

Exactly the subset the compiler emits — ``match_all``, ``match_none``, ``term``, ``terms``,
``bool`` with ``filter`` / ``must`` (AND) and ``should`` (OR, at least one) — each keyword
field a set of (field, value) rows in the index's term table; anything else is refused, so a
filter the OpenSearch backend would read differently cannot slip through.
"""

from __future__ import annotations

from typing import Any

from search.backend import Filter


class UnsupportedFilter(ValueError):
    pass


def filter_sql(flt: Filter, term_table: str, params: list[Any], rowid: str = "d.rowid") -> str:
    """A condition on ``rowid`` (the document's row) for ``flt``; appends its parameters."""
    if len(flt) != 1:
        raise UnsupportedFilter(f"one clause per filter object: {flt!r}")
    ((kind, body),) = flt.items()
    if kind == "match_all":
        return "1"
    if kind == "match_none":
        return "0"
    if kind in ("term", "terms"):
        ((field, value),) = body.items()
        values = [value] if kind == "term" else list(value)
        if not values:
            return "0"
        params.append(field)
        params.extend(str(v) for v in values)
        marks = ", ".join("?" for _ in values)
        return f"{rowid} IN (SELECT rowid FROM {term_table} WHERE field = ? AND value IN ({marks}))"
    if kind == "bool":
        return _bool(body, term_table, params, rowid)
    raise UnsupportedFilter(f"filter kind {kind!r} is not part of the scope DSL")


def _bool(body: dict[str, Any], term_table: str, params: list[Any], rowid: str) -> str:
    unknown = set(body) - {"filter", "must", "should", "minimum_should_match"}
    if unknown or body.get("minimum_should_match", 1) != 1:
        raise UnsupportedFilter(f"bool clause {sorted(body)} not part of the scope DSL")
    parts = [
        filter_sql(f, term_table, params, rowid)
        for key in ("filter", "must")
        for f in body.get(key, ())
    ]
    should = [filter_sql(f, term_table, params, rowid) for f in body.get("should", ())]
    if should:
        parts.append("(" + " OR ".join(should) + ")")
    return "(" + " AND ".join(parts) + ")" if parts else "1"
