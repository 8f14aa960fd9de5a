"""The canonical form of an archived row and of a chain entry: what is hashed, byte for byte.

- a JSON object with keys sorted by code point, no whitespace (``","`` and ``":"``), UTF-8
  without escapes (``ensure_ascii=False``);
- text in Unicode NFC, so the same words typed on two systems hash alike;
- decimals as strings with exactly the column's scale (``"1200.00"``; ``"0.0500"``), never
  floats; integers as JSON numbers; booleans as ``true``/``false``; NULL as ``null``;
- dates ``YYYY-MM-DD``; timestamps in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six
  fractional digits, as both backends store microseconds);
- enums by value.

An entry's hash is SHA-256 over ``prev_hash`` (64 hex digits) followed by the canonical
JSON of its envelope: ``{"content": <row object>, "kind", "recorded_at", "seq", "source_id",
"source_table", "source_version", "unit_id"}``. The envelope binds an entry to its unit,
place, source row and version, so moving, renumbering or repointing an entry breaks it.
"""

from __future__ import annotations

import enum
import hashlib
import json
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Numeric, RowMapping, Table

GENESIS = "0" * 64  # the ``prev_hash`` of a chain's first entry


def value(raw: Any, scale: int | None = None) -> Any:
    """One column value in canonical form (``scale``: the column's decimal places)."""
    kind = type(raw)
    if kind is str:  # the common case first: ``verify`` canonicalises every archived row
        return raw if unicodedata.is_normalized("NFC", raw) else unicodedata.normalize("NFC", raw)
    if raw is None or kind is int or kind is bool:
        return raw
    if isinstance(raw, datetime):
        return _instant(raw)
    if isinstance(raw, enum.Enum):
        return value(raw.value)
    if isinstance(raw, str):
        return value(str(raw))
    if isinstance(raw, bool | int):
        return int(raw) if not isinstance(raw, bool) else raw
    if isinstance(raw, Decimal | float):
        number = Decimal(str(raw)) if isinstance(raw, float) else raw
        if scale is not None:
            number = number.quantize(
                _QUANTUM[scale] if scale in _QUANTUM else Decimal(1).scaleb(-scale)
            )
        return format(number, "f")
    if isinstance(raw, date):
        return raw.isoformat()
    raise TypeError(f"no canonical form for {type(raw).__name__}")


_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(9)}


@cache
def _columns(table: Table) -> tuple[tuple[str, int | None], ...]:
    """Each column's name and decimal scale (None for non-decimals), once per table."""
    return tuple(
        (c.name, c.type.scale if isinstance(c.type, Numeric) else None) for c in table.columns
    )


def row_object(table: Table, row: Mapping[str, Any] | RowMapping) -> dict[str, Any]:
    """Every column of ``row`` (a mapping read from ``table``) in canonical form."""
    out: dict[str, Any] = {}
    for name, scale in _columns(table):
        raw = row[name]
        kind = type(raw)
        # What is its own canonical form, without a call: a bulk append makes thousands.
        if raw is None or kind is int or kind is bool or (kind is str and raw.isascii()):
            out[name] = raw  # ASCII text is always NFC
        else:
            out[name] = value(raw, scale)
    return out


# One encoder for every call: ``json.dumps`` with options builds a new one each time.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dumps(obj: Any) -> str:
    return _ENCODER.encode(obj)


def content(table: Table, row: Mapping[str, Any] | RowMapping) -> str:
    """The canonical JSON text of one archived row, as stored in ``archive_entry.content``."""
    return dumps(row_object(table, row))


def entry_hash(
    prev_hash: str,
    *,
    unit_id: int,
    seq: int,
    kind: str,
    source_table: str,
    source_id: int,
    source_version: int,
    recorded_at: datetime,
    content_text: str,
) -> str:
    # The envelope's canonical JSON, written out: its keys in sorted order, the content
    # embedded as stored (already canonical: a content re-spaced by hand no longer matches).
    envelope = (
        f'{{"content":{content_text},"kind":{_quoted(kind)},'
        f'"recorded_at":{_stamp(recorded_at)},"seq":{seq},"source_id":{source_id},'
        f'"source_table":{_quoted(source_table)},"source_version":{source_version},'
        f'"unit_id":{unit_id}}}'
    )
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(envelope.encode("utf-8"))
    return digest.hexdigest()


# An append hashes a thousand entries with one time stamp and a handful of kinds and
# tables: their JSON is made once, not per entry (``verify`` meets each stamp a few times).
@lru_cache(maxsize=64)
def _quoted(text: str) -> str:
    return dumps(text)


@lru_cache(maxsize=256)
def _stamp(at: datetime) -> str:
    return dumps(value(at))


@lru_cache(maxsize=1024)
def _instant(raw: datetime) -> str:
    # Cached: the rows of one upload share their created_at and often their other times.
    if raw.tzinfo is None:
        raw = raw.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    stamp = raw.astimezone(UTC).replace(tzinfo=None)
    return stamp.isoformat(timespec="microseconds") + "Z"
