"""Keyset (cursor) pagination: page 1,000 costs what page 1 costs, no OFFSET anywhere.

A cursor is ``"<sort>:<asc|desc>|<sort key>|<primary key>"`` in plain text, built by SQL
for each edge; ``~`` stands for a NULL sort key. NULLs sort last in both directions on both
backends (SQLite would put them first unless told).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, and_, or_
from sqlalchemy.sql.elements import UnaryExpression

from store.base import UTCDateTime

NULL_KEY = "~"


class BadCursor(ValueError):
    """A cursor this connection did not produce (or produced for another sort order)."""


@dataclass(frozen=True, slots=True)
class Key:
    """A parsed cursor: the sort key value (None for NULL) and the primary key value."""

    value: Any
    pk: Any


def prefix(sort: str, descending: bool) -> str:
    return f"{sort}:{'desc' if descending else 'asc'}"


def _typed(column: ColumnElement[Any], text: str) -> Any:
    kind = column.type
    try:
        if isinstance(kind, UTCDateTime):
            value = datetime.fromisoformat(text)
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(kind, Date):
            return date.fromisoformat(text)
        if isinstance(kind, Integer):
            if not text.lstrip("-").isdigit() or len(text) > 20:
                raise ValueError(text)
            return int(text)
    except ValueError as exc:
        raise BadCursor(f"bad key {text!r}") from exc
    return text


def parse(
    cursor: str, *, expected_prefix: str, sort_column: ColumnElement[Any], pk: ColumnElement[Any]
) -> Key:
    # The sort key may itself contain "|" (a name); the prefix and the key never do.
    mark, _, rest = cursor.partition("|")
    value_text, _, pk_text = rest.rpartition("|")
    if mark != expected_prefix or not pk_text:
        raise BadCursor("cursor does not belong to this connection and order")
    value = None if value_text == NULL_KEY else _typed(sort_column, value_text)
    return Key(value=value, pk=_typed(pk, pk_text))


def order_by(
    sort_column: ColumnElement[Any], pk: ColumnElement[Any], *, descending: bool, reverse: bool
) -> list[UnaryExpression[Any]]:
    """The forward order (NULLs last), or its exact mirror when ``reverse``."""
    desc = descending != reverse
    nulls_last = not reverse
    ordered = sort_column.desc() if desc else sort_column.asc()
    ordered = ordered.nulls_last() if nulls_last else ordered.nulls_first()
    if sort_column is pk:
        return [ordered]
    return [ordered, pk.desc() if desc else pk.asc()]


def _less(column: ColumnElement[Any], value: Any) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = column < value
    return condition


def _greater(column: ColumnElement[Any], value: Any) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = column > value
    return condition


def comes_after(
    sort_column: ColumnElement[Any], pk: ColumnElement[Any], key: Key, *, descending: bool
) -> ColumnElement[bool]:
    """Rows strictly after ``key`` in the forward order."""
    beyond = _less if descending else _greater
    if sort_column is pk:
        return beyond(pk, key.pk)
    if key.value is None:  # inside the trailing NULL block
        return and_(sort_column.is_(None), beyond(pk, key.pk))
    return or_(
        beyond(sort_column, key.value),
        and_(sort_column == key.value, beyond(pk, key.pk)),
        sort_column.is_(None),
    )


def comes_before(
    sort_column: ColumnElement[Any], pk: ColumnElement[Any], key: Key, *, descending: bool
) -> ColumnElement[bool]:
    """Rows strictly before ``key`` in the forward order."""
    ahead = _greater if descending else _less
    if sort_column is pk:
        return ahead(pk, key.pk)
    if key.value is None:
        return or_(sort_column.is_not(None), and_(sort_column.is_(None), ahead(pk, key.pk)))
    return or_(
        ahead(sort_column, key.value),
        and_(sort_column == key.value, ahead(pk, key.pk)),
    )
