"""Global ids: ``"<TypeName>:<primary key>"``, e.g. ``"ServiceRecord:42"``, ``"Region:440300"``.

Plain text rather than base64 so that SQL (PostgreSQL and SQLite alike) can build them while
compiling a selection; they are opaque to clients all the same.
"""

from __future__ import annotations


class BadGlobalId(ValueError):
    """The id is not of the form ``Type:key`` or names another type."""


def global_id(type_name: str, key: object) -> str:
    return f"{type_name}:{key}"


def parse_global_id(value: str, expected: str | None = None) -> tuple[str, str]:
    """(type name, key) of a global id; ``expected`` pins the type."""
    type_name, sep, key = value.partition(":")
    if not sep or not type_name or not key:
        raise BadGlobalId(f"not a global id: {value!r}")
    if expected is not None and type_name != expected:
        raise BadGlobalId(f"{value!r} is not a {expected} id")
    return type_name, key


def parse_int_id(value: str, expected: str) -> int:
    """The integer key of a global id of type ``expected``."""
    _, key = parse_global_id(value, expected)
    if not key.isascii() or not key.isdigit() or len(key) > 19:
        raise BadGlobalId(f"{value!r} has no integer key")
    return int(key)
