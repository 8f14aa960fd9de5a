"""JSON building in SQL, per dialect: PostgreSQL's json_* functions, SQLite's JSON1.

Every scalar is rendered exactly as strawberry would serialize it, so a compiled response is
byte-for-byte what a resolver-by-resolver execution would return:
datetime → UTC ISO 8601 ``2026-06-30T10:00:00+00:00`` (microseconds only when non-zero),
date → ``2026-06-30``, Decimal → a string with the column's scale, enum → its NAME (our enum
names are their values upper-cased; a test keeps that true), booleans → true/false.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Integer,
    Numeric,
    String,
    Text,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    type_coerce,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.sql.selectable import ScalarSelect
from sqlalchemy.types import JSON, TypeEngine

from store.base import UTCDateTime

# The SQLite library Python runs: ``->`` needs 3.38 (3.40.1 where this was measured).
_ARROW = sqlite3.sqlite_version_info >= (3, 38, 0)

# PostgreSQL functions take at most 100 arguments: 50 key/value pairs per object.
MAX_KEYS_PER_OBJECT = 50


class TooWide(ValueError):
    """More than MAX_KEYS_PER_OBJECT response keys on one object."""


class JsonSql:
    """The SQL of one dialect; ``for_dialect`` picks it."""

    name = "base"

    @staticmethod
    def for_dialect(name: str) -> JsonSql:
        if name == "postgresql":
            return PostgresJson()
        if name == "sqlite":
            return SqliteJson()
        raise ValueError(f"no JSON compiler for dialect {name!r}")

    # -- structure -----------------------------------------------------------------------

    def object(self, pairs: Sequence[tuple[str, ColumnElement[Any]]]) -> ColumnElement[Any]:
        raise NotImplementedError

    def array(self, element: ColumnElement[Any], order: list[ColumnElement[Any]]) -> Any:
        """Aggregate of ``element`` over the rows of the enclosing FROM, ``[]`` when none."""
        raise NotImplementedError

    def embed(self, value: ScalarSelect[Any] | ColumnElement[Any]) -> ColumnElement[Any]:
        """A JSON value computed by a subquery, placed as JSON (not as a string)."""
        raise NotImplementedError

    def fixed_array(self, items: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
        """A JSON array of these JSON values; past 50 items, an array of arrays of at most
        50 (PostgreSQL functions take at most 100 arguments)."""
        if len(items) > MAX_KEYS_PER_OBJECT:
            chunks = [
                items[i : i + MAX_KEYS_PER_OBJECT]
                for i in range(0, len(items), MAX_KEYS_PER_OBJECT)
            ]
            return self.fixed_array([self.fixed_array(chunk) for chunk in chunks])
        return self._array_of(items)

    def _array_of(self, items: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
        raise NotImplementedError

    def as_text(self, value: ColumnElement[Any]) -> ColumnElement[str]:
        raise NotImplementedError

    def literal_json(self, text: str) -> ColumnElement[Any]:
        """A JSON value known before the query runs, given as its JSON text."""
        raise NotImplementedError

    def boolean(self, condition: ColumnElement[bool]) -> ColumnElement[Any]:
        raise NotImplementedError

    # -- scalars -------------------------------------------------------------------------

    def scalar(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        kind: TypeEngine[Any] = column.type
        if isinstance(kind, UTCDateTime):
            return self.datetime_iso(column)
        if isinstance(kind, SAEnum):
            return func.upper(column)
        if isinstance(kind, Boolean):
            return self.boolean_column(column)
        if isinstance(kind, Date):
            return self.date_iso(column)
        if isinstance(kind, Numeric) and not isinstance(kind, Integer):
            return self.decimal_text(column, kind.scale or 0)
        if isinstance(kind, Integer | String | Text | JSON):
            return column
        raise TypeError(f"no JSON rendering for column type {kind!r}")

    def datetime_iso(self, column: ColumnElement[Any]) -> ColumnElement[str]:
        raise NotImplementedError

    def date_iso(self, column: ColumnElement[Any]) -> ColumnElement[str]:
        raise NotImplementedError

    def decimal_text(self, column: ColumnElement[Any], scale: int) -> ColumnElement[str]:
        raise NotImplementedError

    def boolean_column(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        raise NotImplementedError

    def text_of(self, column: ColumnElement[Any]) -> ColumnElement[str]:
        """Plain text of a key column, for cursors and ids."""
        return cast(column, String)

    def concat(self, *parts: ColumnElement[Any] | str) -> ColumnElement[str]:
        items = [literal(p, String) if isinstance(p, str) else p for p in parts]
        result = items[0]
        for item in items[1:]:
            result = result.op("||")(item)
        return result


class PostgresJson(JsonSql):
    name = "postgresql"

    def object(self, pairs: Sequence[tuple[str, ColumnElement[Any]]]) -> ColumnElement[Any]:
        if len(pairs) > MAX_KEYS_PER_OBJECT:
            raise TooWide(len(pairs))
        args: list[Any] = []
        for key, value in pairs:
            args.extend((literal(key, Text), value))
        return func.json_build_object(*args, type_=JSON)

    def array(self, element: ColumnElement[Any], order: list[ColumnElement[Any]]) -> Any:
        agg = (
            func.json_agg(aggregate_order_by(element, *order)) if order else func.json_agg(element)
        )
        return func.coalesce(agg, literal_column("'[]'::json"))

    def embed(self, value: ScalarSelect[Any] | ColumnElement[Any]) -> ColumnElement[Any]:
        return value

    def _array_of(self, items: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
        return func.json_build_array(*items, type_=JSON)

    def as_text(self, value: ColumnElement[Any]) -> ColumnElement[str]:
        return cast(value, Text)

    def literal_json(self, text: str) -> ColumnElement[Any]:
        return cast(literal(text, Text), JSON)

    def boolean(self, condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return condition

    def boolean_column(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        return column

    def datetime_iso(self, column: ColumnElement[Any]) -> ColumnElement[str]:
        utc = func.timezone("UTC", column)
        micros = func.to_char(utc, "US")
        seconds = func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS')
        fraction = case((micros == "000000", ""), else_=literal(".", Text).op("||")(micros))
        return case(
            (column.is_(None), null()),
            else_=seconds.op("||")(fraction).op("||")(literal("+00:00", Text)),
        )

    def date_iso(self, column: ColumnElement[Any]) -> ColumnElement[str]:
        return func.to_char(column, "YYYY-MM-DD")

    def decimal_text(self, column: ColumnElement[Any], scale: int) -> ColumnElement[str]:
        # NUMERIC(p, s)::text keeps the column's scale: 1234.50 stays "1234.50".
        return cast(column, Text)


class SqliteJson(JsonSql):
    name = "sqlite"

    def object(self, pairs: Sequence[tuple[str, ColumnElement[Any]]]) -> ColumnElement[Any]:
        if len(pairs) > MAX_KEYS_PER_OBJECT:
            raise TooWide(len(pairs))
        args: list[Any] = []
        for key, value in pairs:
            args.extend((literal(key, Text), value))
        return func.json_object(*args, type_=JSON)

    def array(self, element: ColumnElement[Any], order: list[ColumnElement[Any]]) -> Any:
        # SQLite 3.40 has no ORDER BY inside aggregates: the caller feeds rows from an
        # ordered subquery, whose order json_group_array keeps.
        return func.json_group_array(func.json(element))

    def embed(self, value: ScalarSelect[Any] | ColumnElement[Any]) -> ColumnElement[Any]:
        # ``value -> '$'``, not ``json(value)``: the same minified JSON (subtype JSON, so the
        # enclosing json_object takes it as JSON), but an operator after its operand opens
        # nothing on SQLite's parser stack, where json( opened three entries per level.
        # ``->`` came with SQLite 3.38; an older library keeps json() (and split.py cuts
        # deep reads sooner).
        if _ARROW:
            return value.op("->", return_type=JSON)(literal_column("'$'"))
        return func.json(value)

    def _array_of(self, items: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
        return func.json_array(*items, type_=JSON)  # items are JSON values (embed, object)

    def as_text(self, value: ColumnElement[Any]) -> ColumnElement[str]:
        return type_coerce(value, Text)  # JSON1 values are text already

    def literal_json(self, text: str) -> ColumnElement[Any]:
        return func.json(literal(text, Text))

    def boolean(self, condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return case((condition, func.json("true")), else_=func.json("false"))

    def boolean_column(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        return case(
            (column.is_(None), null()),
            (column == 1, func.json("true")),
            else_=func.json("false"),
        )

    def datetime_iso(self, column: ColumnElement[Any]) -> ColumnElement[str]:
        # Stored by SQLAlchemy as naive UTC text "YYYY-MM-DD HH:MM:SS.ffffff".
        text = cast(column, String)
        micros = func.substr(text, 21, 6)  # '' when a server default stored no fraction
        fraction = case((micros.in_(("", "000000")), ""), else_=literal(".", Text).op("||")(micros))
        return case(
            (column.is_(None), null()),
            else_=func.substr(text, 1, 10)
            .op("||")(literal("T", Text))
            .op("||")(func.substr(text, 12, 8))
            .op("||")(fraction)
            .op("||")(literal("+00:00", Text)),
        )

    def date_iso(self, column: ColumnElement[Any]) -> ColumnElement[str]:
        return cast(column, String)

    def decimal_text(self, column: ColumnElement[Any], scale: int) -> ColumnElement[str]:
        # SQLite keeps NUMERIC as REAL; print it back with the column's scale.
        return case((column.is_(None), null()), else_=func.printf(f"%.{scale}f", column))


def aggregate_order_by(element: ColumnElement[Any], *order: ColumnElement[Any]) -> Any:
    from sqlalchemy.dialects.postgresql import aggregate_order_by as pg_aggregate_order_by

    return pg_aggregate_order_by(element, *order)
