"""What a search backend does, whichever it is (OpenSearch or the embedded SQLite FTS5).

A search request is built once (services/search.py) and means the same in both backends:
every query term must match as a phrase in some text field of a field group the principal may
search (a group with its own filter counts only in documents that pass it), inside the type's
filter (scope ∧ the user's filters); facets are counted over exactly those documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from search.documents import Document

Filter = dict[str, Any]  # the DSL subset of policies/search_filter.py


class BackendUnavailable(Exception):
    """The backend could not be reached or answered with a server error: retry later."""


@dataclass(frozen=True, slots=True)
class FieldGroup:
    fields: tuple[str, ...]
    # None: the type's filter covers it. Otherwise the text counts only where this holds too
    # (a child's own scope, judged on the parent's access fields).
    filter: Filter | None = None
    highlight: bool = True


@dataclass(frozen=True, slots=True)
class TypeQuery:
    doc_type: str
    filter: Filter
    groups: tuple[FieldGroup, ...]


@dataclass(frozen=True, slots=True)
class SearchRequest:
    terms: tuple[str, ...]  # each must match, as a phrase (search/analysis.py)
    types: tuple[TypeQuery, ...]
    offset: int
    size: int
    facets: Mapping[str, str] = field(default_factory=dict)  # facet name → keyword field
    facet_size: int = 20


@dataclass(frozen=True, slots=True)
class Snippet:
    field: str
    text: str  # HTML-escaped, matches wrapped in <em>…</em>


@dataclass(frozen=True, slots=True)
class Hit:
    doc_type: str
    doc_id: str
    score: float
    title: str
    snippets: tuple[Snippet, ...]


@dataclass(frozen=True, slots=True)
class Bucket:
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: tuple[Hit, ...]
    facets: Mapping[str, tuple[Bucket, ...]]


@dataclass(frozen=True, slots=True)
class IndexAction:
    doc_type: str
    doc_id: str
    document: Document | None  # None: delete the document


@dataclass(frozen=True, slots=True)
class ItemResult:
    status: int  # HTTP-style, as OpenSearch's bulk items: 2xx done, 404 on a delete is fine
    error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 or self.status == 404


class SearchBackend(Protocol):
    name: str

    async def ensure(self) -> None:
        """Every type's alias exists (a first versioned index is created where missing)."""
        ...

    async def bulk(
        self, actions: Sequence[IndexAction], *, targets: Mapping[str, str] | None = None
    ) -> list[ItemResult]:
        """Index or delete documents, one result per action in order; ``targets`` maps a
        type to a concrete index (reindex), else the type's alias. Raises
        ``BackendUnavailable`` when nothing was done."""
        ...

    async def search(self, request: SearchRequest) -> SearchResult: ...

    async def refresh(self) -> None:
        """Make what was indexed searchable now (tests; OpenSearch refreshes every second)."""
        ...

    async def new_index(self, doc_type: str) -> str:
        """Create the next versioned index of ``doc_type`` (not yet behind the alias)."""
        ...

    async def swap_alias(self, doc_type: str, index: str) -> list[str]:
        """Point the alias at ``index`` atomically and drop the indexes it left."""
        ...

    async def doc_ids(self, doc_type: str) -> set[str]:
        """Every document id behind the alias (reconciliation and tests)."""
        ...

    async def drop_all(self) -> None:
        """Drop every index and alias of this prefix (tests)."""
        ...

    async def close(self) -> None: ...
