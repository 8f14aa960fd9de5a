"""The tables of one FTS5 "index", and the alias and index registries of the search file.

An index is three tables: the documents (the JSON as indexed, for titles and snippets), the
keyword terms (one row per field value: the access and facet fields the filters read) and
the FTS5 table of the text fields as token streams (search/analysis.py).
"""

from __future__ import annotations

from search.documents import TEXT_FIELDS

REGISTRY = (
    "CREATE TABLE IF NOT EXISTS search_alias (alias TEXT PRIMARY KEY, index_name TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS search_index (name TEXT PRIMARY KEY, prefix TEXT NOT NULL, "
    "doc_type TEXT NOT NULL, version INTEGER NOT NULL, mapping_version INTEGER NOT NULL)",
)


def quoted(index: str, part: str) -> str:
    # Index names are checked (search/mapping.py): lowercase letters, digits, '-' and '_'.
    return f'"{index}__{part}"'


def docs(index: str) -> str:
    return quoted(index, "doc")


def terms(index: str) -> str:
    return quoted(index, "term")


def fts(index: str) -> str:
    return quoted(index, "fts")


def create(index: str) -> list[str]:
    columns = ", ".join(TEXT_FIELDS)
    return [
        f"CREATE TABLE {docs(index)} (rowid INTEGER PRIMARY KEY, doc_key TEXT NOT NULL UNIQUE, "
        "doc_type TEXT NOT NULL, doc_id TEXT NOT NULL, source TEXT NOT NULL)",
        f"CREATE TABLE {terms(index)} (field TEXT NOT NULL, value TEXT NOT NULL, "
        "rowid INTEGER NOT NULL, PRIMARY KEY (field, value, rowid)) WITHOUT ROWID",
        f"CREATE INDEX {quoted(index, 'term_rowid')} ON {terms(index)} (rowid)",
        # unicode61 keeps each pre-made bigram as one token (it splits on spaces only here).
        f"CREATE VIRTUAL TABLE {fts(index)} USING fts5({columns}, "
        "tokenize = 'unicode61 remove_diacritics 0')",
    ]


def drop(index: str) -> list[str]:
    return [
        f"DROP TABLE IF EXISTS {fts(index)}",
        f"DROP TABLE IF EXISTS {terms(index)}",
        f"DROP TABLE IF EXISTS {docs(index)}",
    ]
