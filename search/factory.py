"""The backend a deployment configured: OpenSearch when a URL is set, else embedded FTS5."""

from __future__ import annotations

from search.backend import SearchBackend
from search.fts5.backend import Fts5Backend
from search.opensearch import OpenSearchBackend


def create_backend(url: str, *, prefix: str, fts_path: str, timeout: float = 10.0) -> SearchBackend:
    if url:
        return OpenSearchBackend(url, prefix, timeout=timeout)
    return Fts5Backend(fts_path, prefix)
