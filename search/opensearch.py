"""The OpenSearch backend (opensearch-py's asyncio client): aliases over versioned indexes,
the bulk API with a status per item, security-trimmed searches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import ConnectionError as TransportDown
from opensearchpy.exceptions import NotFoundError, RequestError, TransportError

from search.backend import (
    BackendUnavailable,
    Bucket,
    Hit,
    IndexAction,
    ItemResult,
    SearchRequest,
    SearchResult,
    Snippet,
)
from search.documents import DOC_TYPES, TEXT_FIELDS
from search.mapping import alias_name, check_prefix, index_body, index_name, version_of
from search.queries import search_body


def _unavailable(exc: Exception) -> BackendUnavailable:
    return BackendUnavailable(f"OpenSearch: {type(exc).__name__}: {exc}")


def _transient(exc: TransportError) -> bool:
    # Down, timed out, overloaded (429) or failing (5xx): worth a retry, not a bug of ours.
    status = exc.status_code
    return (
        isinstance(exc, TransportDown)
        or status == 429
        or (isinstance(status, int) and status >= 500)
    )


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        return f"{error.get('type')}: {error.get('reason')}"
    return str(error)


def _merge_tags(text: str) -> str:
    # Adjacent bigrams come back as neighbouring <em>s: one mark per matched word.
    return text.replace("</em><em>", "")


class OpenSearchBackend:
    name = "opensearch"

    def __init__(self, url: str, prefix: str, *, timeout: float = 10.0) -> None:
        self.prefix = check_prefix(prefix)
        # Several nodes, comma-separated (issue 8): the client spreads requests over them and
        # a refused connection is tried once on each other node, so one node down is no
        # outage. Beyond that no client-side retries: the indexer decides when to retry (and
        # backs off). Timeouts are never retried (the node may still be working on it).
        hosts = [host.strip() for host in url.split(",") if host.strip()]
        self.client = AsyncOpenSearch(
            hosts=hosts, timeout=timeout, max_retries=len(hosts) - 1, retry_on_timeout=False
        )

    async def _call(self, method: Any, **kwargs: Any) -> Any:
        try:
            return await method(**kwargs)
        except TransportError as exc:
            if _transient(exc):
                raise _unavailable(exc) from exc
            raise

    async def ensure(self) -> None:
        for doc_type in DOC_TYPES:
            alias = alias_name(self.prefix, doc_type)
            if await self._call(self.client.indices.exists_alias, name=alias):
                continue
            body = {**index_body(), "aliases": {alias: {}}}
            try:
                await self._call(
                    self.client.indices.create,
                    index=index_name(self.prefix, doc_type, 1),
                    body=body,
                )
            except RequestError as exc:  # another process created it first
                if "already_exists" not in str(exc.error):
                    raise

    async def bulk(
        self, actions: Sequence[IndexAction], *, targets: Mapping[str, str] | None = None
    ) -> list[ItemResult]:
        if not actions:
            return []
        lines: list[dict[str, Any]] = []
        for action in actions:
            index = (targets or {}).get(action.doc_type) or alias_name(self.prefix, action.doc_type)
            meta = {"_index": index, "_id": action.doc_id}
            if action.document is None:
                lines.append({"delete": meta})
            else:
                lines.append({"index": meta})
                lines.append(action.document)
        response = await self._call(self.client.bulk, body=lines)
        results = []
        for item in response["items"]:
            (outcome,) = item.values()
            error = outcome.get("error")
            results.append(
                ItemResult(int(outcome["status"]), _error_text(error) if error else None)
            )
        return results

    async def search(self, request: SearchRequest) -> SearchResult:
        indexes = ",".join(alias_name(self.prefix, q.doc_type) for q in request.types)
        response = await self._call(self.client.search, index=indexes, body=search_body(request))
        hits = []
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            highlight = hit.get("highlight", {})
            snippets = tuple(
                Snippet(name, _merge_tags(text))
                for name in TEXT_FIELDS
                for text in highlight.get(name, ())
            )
            hits.append(
                Hit(
                    source["type"],
                    source["id"],
                    float(hit["_score"] or 0.0),
                    source["title"],
                    snippets,
                )
            )
        facets = {
            name: tuple(Bucket(str(b["key"]), int(b["doc_count"])) for b in agg.get("buckets", ()))
            for name, agg in response.get("aggregations", {}).items()
        }
        return SearchResult(int(response["hits"]["total"]["value"]), tuple(hits), facets)

    async def refresh(self) -> None:
        await self._call(self.client.indices.refresh, index=f"{self.prefix}-*")

    async def _versions(self, doc_type: str) -> dict[str, int]:
        pattern = alias_name(self.prefix, doc_type) + "-v*"
        found = await self._call(self.client.indices.get, index=pattern, allow_no_indices=True)
        names = {name: version_of(self.prefix, doc_type, name) for name in found}
        return {name: v for name, v in names.items() if v is not None}

    async def new_index(self, doc_type: str) -> str:
        version = max((await self._versions(doc_type)).values(), default=0) + 1
        name = index_name(self.prefix, doc_type, version)
        await self._call(self.client.indices.create, index=name, body=index_body())
        return name

    async def swap_alias(self, doc_type: str, index: str) -> list[str]:
        alias = alias_name(self.prefix, doc_type)
        try:
            current = list(await self._call(self.client.indices.get_alias, name=alias))
        except NotFoundError:
            current = []
        actions: list[dict[str, Any]] = [
            {"remove": {"index": old, "alias": alias}} for old in current if old != index
        ]
        actions.append({"add": {"index": index, "alias": alias}})
        # One request: searches see the old index or the new one, never neither.
        await self._call(self.client.indices.update_aliases, body={"actions": actions})
        dropped = [old for old in current if old != index]
        for old in dropped:
            await self._call(self.client.indices.delete, index=old)
        return dropped

    async def doc_ids(self, doc_type: str) -> set[str]:
        ids: set[str] = set()
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "query": {"match_all": {}},
                "size": 5000,
                "sort": [{"doc_key": "asc"}],
                "_source": ["id"],
            }
            if after is not None:
                body["search_after"] = after
            response = await self._call(
                self.client.search, index=alias_name(self.prefix, doc_type), body=body
            )
            page = response["hits"]["hits"]
            ids.update(hit["_source"]["id"] for hit in page)
            if len(page) < 5000:
                return ids
            after = page[-1]["sort"]

    async def drop_all(self) -> None:
        await self._call(
            self.client.indices.delete, index=f"{self.prefix}-*", allow_no_indices=True
        )

    async def close(self) -> None:
        await self.client.close()
        # opensearch-py closes only the pool's live connections: a node marked dead (down, or
        # refused once) kept its aiohttp session open, "Unclosed client session" at exit (the
        # scale-out test kills a node). Closing one twice is harmless: close() drops the session.
        pool = self.client.transport.connection_pool
        for connection in getattr(pool, "orig_connections", ()):
            await connection.close()
