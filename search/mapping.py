"""The index mapping (one for every type, production and tests alike) and index names.

Each type has an alias ``<prefix>-<type>`` that searches and the indexer use, pointing at one
versioned index ``<prefix>-<type>-v<N>``; ``anzexian reindex`` builds ``v<N+1>`` beside it and
swaps the alias in one atomic action, so searches never see a half-built index.
"""

from __future__ import annotations

import re
from typing import Any

from search.documents import INTEGER_FIELDS, KEYWORD_FIELDS, TEXT_FIELDS

# Bump when the mapping or the documents change shape: reindex then builds the new version.
MAPPING_VERSION = 1

# The ``cjk`` analyzer (standard tokenizer, cjk_width, lowercase, cjk_bigram, stop) from the
# analysis-common module that every full distribution has; deploy/opensearch.sh assembles it
# into the test node, so this very mapping is what the tests run.
ANALYZER = "cjk"


def mapping() -> dict[str, Any]:
    properties: dict[str, Any] = {
        name: {"type": "text", "analyzer": ANALYZER} for name in TEXT_FIELDS
    }
    properties.update({name: {"type": "keyword"} for name in KEYWORD_FIELDS})
    properties.update({name: {"type": "integer"} for name in INTEGER_FIELDS})
    return {
        # An unknown field is an error (a dead letter), never a silently guessed type.
        "dynamic": "strict",
        "_meta": {"mapping_version": MAPPING_VERSION},
        "properties": properties,
    }


def index_body() -> dict[str, Any]:
    return {
        "settings": {
            "number_of_shards": 1,
            # One replica where a second node exists, none on a single node (tests, demo).
            "auto_expand_replicas": "0-1",
        },
        "mappings": mapping(),
    }


_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")


def check_prefix(prefix: str) -> str:
    """Index names are lowercase; the prefix also names FTS5 tables, so keep it plain."""
    if not _PREFIX.match(prefix):
        raise ValueError(f"search index prefix {prefix!r}: use a-z, 0-9, '-' or '_'")
    return prefix


def alias_name(prefix: str, doc_type: str) -> str:
    return f"{prefix}-{doc_type}"


def index_name(prefix: str, doc_type: str, version: int) -> str:
    return f"{alias_name(prefix, doc_type)}-v{version}"


def version_of(prefix: str, doc_type: str, name: str) -> int | None:
    """The version of a versioned index of ``doc_type``, None for any other name."""
    head = alias_name(prefix, doc_type) + "-v"
    tail = name[len(head) :] if name.startswith(head) else ""
    return int(tail) if tail.isdigit() else None
