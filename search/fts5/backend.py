"""The embedded backend: SQLite FTS5 in a file of its own (``ANZEXIAN_SEARCH_FTS_PATH``), the
same interface and the same answers as OpenSearch (tests/search/test_conformance.py).

Its own file, not tables in the application database: it serves a PostgreSQL deployment
without OpenSearch as well, and a rebuild never locks the records' database.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from search.analysis import token_text
from search.backend import (
    BackendUnavailable,
    Bucket,
    Hit,
    IndexAction,
    ItemResult,
    SearchRequest,
    SearchResult,
    Snippet,
    TypeQuery,
)
from search.documents import DOC_TYPES, INTEGER_FIELDS, KEYWORD_FIELDS, TEXT_FIELDS, Document
from search.fts5 import schema
from search.fts5.filters import filter_sql
from search.fts5.snippets import highlight
from search.mapping import MAPPING_VERSION, alias_name, check_prefix, index_name
from search.queries import highlight_fields

_WEIGHTS = ", ".join(f"{w:g}" for w in TEXT_FIELDS.values())  # bm25 column weights = boosts


def _invalid(document: Document) -> str | None:
    """What OpenSearch's strict mapping would refuse in ``document``, or None."""
    for key, value in document.items():
        if key in TEXT_FIELDS:
            ok = isinstance(value, str)
        elif key in KEYWORD_FIELDS:
            ok = isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            )
        elif key in INTEGER_FIELDS:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            return f"strict_dynamic_mapping_exception: field [{key}] is not in the mapping"
        if not ok:
            return f"mapper_parsing_exception: field [{key}] has the wrong type"
    return None


def _phrase(columns: Sequence[str], term: str) -> str:
    # The term as its token stream, quoted as one FTS5 phrase over the group's columns.
    return "{" + " ".join(columns) + '} : "' + token_text(term).replace('"', '""') + '"'


class Fts5Backend:
    name = "fts5"

    def __init__(self, path: str, prefix: str) -> None:
        self.path = path
        self.prefix = check_prefix(prefix)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()  # one connection: statements of one call run together

    async def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            try:
                db = await aiosqlite.connect(self.path, isolation_level=None)
            except OSError as exc:
                raise BackendUnavailable(f"FTS5 file {self.path}: {exc}") from exc
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA busy_timeout=10000")
            for ddl in schema.REGISTRY:
                await db.execute(ddl)
            self._db = db
        return self._db

    async def _alias(self, db: aiosqlite.Connection, doc_type: str) -> str | None:
        async with db.execute(
            "SELECT index_name FROM search_alias WHERE alias = ?",
            (alias_name(self.prefix, doc_type),),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def _create(self, db: aiosqlite.Connection, doc_type: str, version: int) -> str:
        name = index_name(self.prefix, doc_type, version)
        for ddl in schema.create(name):
            await db.execute(ddl)
        await db.execute(
            "INSERT INTO search_index VALUES (?, ?, ?, ?, ?)",
            (name, self.prefix, doc_type, version, MAPPING_VERSION),
        )
        return name

    async def ensure(self) -> None:
        async with self._lock:
            db = await self._conn()
            await db.execute("BEGIN IMMEDIATE")
            try:
                for doc_type in DOC_TYPES:
                    if await self._alias(db, doc_type) is None:
                        name = await self._create(db, doc_type, 1)
                        await db.execute(
                            "INSERT INTO search_alias VALUES (?, ?)",
                            (alias_name(self.prefix, doc_type), name),
                        )
                await db.execute("COMMIT")
            except BaseException:
                await db.execute("ROLLBACK")
                raise

    async def bulk(
        self, actions: Sequence[IndexAction], *, targets: Mapping[str, str] | None = None
    ) -> list[ItemResult]:
        if not actions:
            return []
        async with self._lock:
            db = await self._conn()
            await db.execute("BEGIN IMMEDIATE")
            try:
                results = [await self._apply(db, action, targets or {}) for action in actions]
                await db.execute("COMMIT")
            except BaseException:
                await db.execute("ROLLBACK")
                raise
        return results

    async def _apply(
        self, db: aiosqlite.Connection, action: IndexAction, targets: Mapping[str, str]
    ) -> ItemResult:
        index = targets.get(action.doc_type) or await self._alias(db, action.doc_type)
        if index is None:
            return ItemResult(404, f"index_not_found_exception: no index for {action.doc_type}")
        doc_key = f"{action.doc_type}:{action.doc_id}"
        async with db.execute(
            f"SELECT rowid FROM {schema.docs(index)} WHERE doc_key = ?", (doc_key,)
        ) as cursor:
            found = await cursor.fetchone()
        if action.document is not None and (error := _invalid(action.document)):
            return ItemResult(400, error)
        if found is not None:
            for table in (schema.fts(index), schema.terms(index), schema.docs(index)):
                await db.execute(f"DELETE FROM {table} WHERE rowid = ?", (found[0],))
        if action.document is None:
            return ItemResult(200 if found else 404)
        document = action.document
        cursor = await db.execute(
            f"INSERT INTO {schema.docs(index)} (doc_key, doc_type, doc_id, source) "
            "VALUES (?, ?, ?, ?)",
            (doc_key, action.doc_type, action.doc_id, json.dumps(document, ensure_ascii=False)),
        )
        rowid = cursor.lastrowid
        await db.execute(
            f"INSERT INTO {schema.fts(index)} (rowid, {', '.join(TEXT_FIELDS)}) "
            f"VALUES (?, {', '.join('?' for _ in TEXT_FIELDS)})",
            (rowid, *(token_text(document.get(name, "")) for name in TEXT_FIELDS)),
        )
        rows: list[tuple[str, str, int | None]] = []
        for name in (*KEYWORD_FIELDS, *INTEGER_FIELDS):
            value = document.get(name)
            values = value if isinstance(value, list) else [] if value is None else [value]
            rows.extend((name, str(v), rowid) for v in set(values))
        await db.executemany(f"INSERT INTO {schema.terms(index)} VALUES (?, ?, ?)", rows)
        return ItemResult(200 if found else 201)

    def _hits_sql(
        self, index: str, query: TypeQuery, terms: tuple[str, ...]
    ) -> tuple[str, list[Any]]:
        """A CTE ``hits(rowid, doc_key, score)`` of the documents ``query`` matches."""
        params: list[Any] = []
        term_table, fts_table = schema.terms(index), schema.fts(index)
        conditions = []
        for term in terms:
            alternatives = []
            for group in query.groups:
                params.append(_phrase(group.fields, term))
                match = f"d.rowid IN (SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH ?)"
                if group.filter is not None:
                    match = f"({match} AND {filter_sql(group.filter, term_table, params)})"
                alternatives.append(match)
            conditions.append("(" + (" OR ".join(alternatives) or "0") + ")")
        conditions.append(filter_sql(query.filter, term_table, params))
        # Relevance: bm25 over the phrases of the groups the type's own filter covers.
        scoring = [_phrase(g.fields, t) for t in terms for g in query.groups if g.filter is None]
        if scoring:
            score_from = (
                f"LEFT JOIN (SELECT rowid, bm25({fts_table}, {_WEIGHTS}) AS rank FROM "
                f"{fts_table} WHERE {fts_table} MATCH ?) s ON s.rowid = d.rowid"
            )
            params.insert(0, " OR ".join(f"({p})" for p in scoring))
            score = "COALESCE(-s.rank, 0.0)"
        else:
            score_from, score = "", "0.0"
        cte = (
            f"WITH hits AS (SELECT d.rowid AS rowid, d.doc_key AS doc_key, {score} AS score "
            f"FROM {schema.docs(index)} d {score_from} WHERE {' AND '.join(conditions)})"
        )
        return cte, params

    async def search(self, request: SearchRequest) -> SearchResult:
        window = request.offset + request.size
        total = 0
        rows: list[tuple[float, str, str, str, str]] = []
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        fields_of = {field: name for name, field in request.facets.items()}
        async with self._lock:
            db = await self._conn()
            for query in request.types:
                index = await self._alias(db, query.doc_type)
                if index is None:
                    raise BackendUnavailable(f"FTS5: no index for {query.doc_type} (run ensure)")
                cte, params = self._hits_sql(index, query, request.terms)
                async with db.execute(f"{cte} SELECT count(*) FROM hits", params) as cursor:
                    total += int((await cursor.fetchone() or (0,))[0])
                page = (
                    f"{cte} SELECT h.score, h.doc_key, d.doc_type, d.doc_id, d.source FROM hits h "
                    f"JOIN {schema.docs(index)} d ON d.rowid = h.rowid "
                    "ORDER BY h.score DESC, h.doc_key ASC LIMIT ?"
                )
                async with db.execute(page, [*params, window]) as cursor:
                    rows.extend((r[0], r[1], r[2], r[3], r[4]) for r in await cursor.fetchall())
                if fields_of:
                    marks = ", ".join("?" for _ in fields_of)
                    facet = (
                        f"{cte} SELECT t.field, t.value, count(*) FROM {schema.terms(index)} t "
                        f"JOIN hits h ON h.rowid = t.rowid WHERE t.field IN ({marks}) "
                        "GROUP BY t.field, t.value"
                    )
                    async with db.execute(facet, [*params, *fields_of]) as cursor:
                        for field, value, count in await cursor.fetchall():
                            counts[fields_of[field]][value] += count
        rows.sort(key=lambda r: (-r[0], r[1]))
        marked = set(highlight_fields(request)) if request.terms else set()
        hits = []
        for score, _, doc_type, doc_id, source_text in rows[request.offset : window]:
            source = json.loads(source_text)
            snippets = tuple(
                Snippet(name, text)
                for name in TEXT_FIELDS
                if name in marked and name in source
                for text in highlight(source[name], request.terms)
            )
            hits.append(Hit(doc_type, doc_id, float(score), source["title"], snippets))
        facets = {
            name: tuple(
                Bucket(value, count)
                for value, count in sorted(counts[name].items(), key=lambda p: (-p[1], p[0]))[
                    : request.facet_size
                ]
            )
            for name in request.facets
        }
        return SearchResult(total, tuple(hits), facets)

    async def refresh(self) -> None:
        return None  # committed is searchable

    async def new_index(self, doc_type: str) -> str:
        async with self._lock:
            db = await self._conn()
            async with db.execute(
                "SELECT max(version) FROM search_index WHERE prefix = ? AND doc_type = ?",
                (self.prefix, doc_type),
            ) as cursor:
                row = await cursor.fetchone()
            version = int(row[0] or 0) + 1 if row else 1
            await db.execute("BEGIN IMMEDIATE")
            try:
                name = await self._create(db, doc_type, version)
                await db.execute("COMMIT")
            except BaseException:
                await db.execute("ROLLBACK")
                raise
            return name

    async def swap_alias(self, doc_type: str, index: str) -> list[str]:
        alias = alias_name(self.prefix, doc_type)
        async with self._lock:
            db = await self._conn()
            await db.execute("BEGIN IMMEDIATE")
            try:
                async with db.execute(
                    "SELECT name FROM search_index WHERE prefix = ? AND doc_type = ? AND name != ?",
                    (self.prefix, doc_type, index),
                ) as cursor:
                    dropped = [str(r[0]) for r in await cursor.fetchall()]
                await db.execute(
                    "INSERT OR REPLACE INTO search_alias VALUES (?, ?)", (alias, index)
                )
                for old in dropped:
                    for ddl in schema.drop(old):
                        await db.execute(ddl)
                    await db.execute("DELETE FROM search_index WHERE name = ?", (old,))
                await db.execute("COMMIT")
            except BaseException:
                await db.execute("ROLLBACK")
                raise
        return dropped

    async def doc_ids(self, doc_type: str) -> set[str]:
        async with self._lock:
            db = await self._conn()
            index = await self._alias(db, doc_type)
            if index is None:
                return set()
            async with db.execute(f"SELECT doc_id FROM {schema.docs(index)}") as cursor:
                return {str(r[0]) for r in await cursor.fetchall()}

    async def drop_all(self) -> None:
        async with self._lock:
            db = await self._conn()
            async with db.execute(
                "SELECT name FROM search_index WHERE prefix = ?", (self.prefix,)
            ) as cursor:
                names = [str(r[0]) for r in await cursor.fetchall()]
            for name in names:
                for ddl in schema.drop(name):
                    await db.execute(ddl)
            await db.execute("DELETE FROM search_index WHERE prefix = ?", (self.prefix,))
            for doc_type in DOC_TYPES:
                await db.execute(
                    "DELETE FROM search_alias WHERE alias = ?", (alias_name(self.prefix, doc_type),)
                )

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None
