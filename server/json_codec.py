"""JSON of the GraphQL endpoint: orjson, with compiled reads' JSON spliced in as it came from
the database.

A compiled read's value is already the response JSON, written by PostgreSQL or SQLite
(store/repositories/graph/); on this endpoint it arrives as a ``JsonText`` and goes into the
response bytes unparsed, as an ``orjson.Fragment`` (bench/RESULTS.md: parsing and
re-serializing a 1,000-row page cost more Python than the rest of the request). Everything
else is encoded as strawberry's own ``json.dumps`` would; where orjson would differ (a type
``json.dumps`` refuses or writes its own way: integers past 64 bits, subclasses, dataclasses,
datetimes, keys that are not strings) the response is encoded by ``json.dumps`` after all,
the JSON texts parsed back, so such a response is what it was before. The one visible
change: non-ASCII text is sent as UTF-8 rather than ``\\u`` escapes (the same JSON to every
parser).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from resolvers.compiled.execution import JsonText

_PASSTHROUGH = (
    orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


class _Different(TypeError):
    """A value orjson would not write the way ``json.dumps`` does."""


def _splice(value: Any) -> Any:
    if isinstance(value, JsonText):
        return orjson.Fragment(value.text)
    raise _Different(type(value).__name__)


def _parse(value: Any) -> Any:
    if isinstance(value, JsonText):
        return orjson.loads(value.text)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode(data: object) -> bytes:
    try:
        return orjson.dumps(data, default=_splice, option=_PASSTHROUGH)
    except orjson.JSONEncodeError:
        # strawberry's encoding, the database's JSON texts parsed back (plain JSON).
        return json.dumps(data, separators=(",", ":"), default=_parse).encode()


def decode(body: str | bytes) -> object:
    """The request body. server/limits.py parsed it with orjson already and refused what
    orjson refuses, so the result is what ``json.loads`` would give."""
    return orjson.loads(body)
