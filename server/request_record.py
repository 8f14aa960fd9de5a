"""What one HTTP request did, collected while it runs (issue 8, operations): its request id,
the operation it ran, the SQL statements it sent and the error codes it answered with.

The middleware (server/request_log.py) opens a record per request in a context variable;
the GraphQL view, the mutations' refusals and the engine's statement hook add to it without
knowing of each other.
SQLAlchemy's asyncio layer runs the driver in a greenlet that shares the caller's context,
so the hook sees the request's record; the background tasks (audit writer, indexer) were
started before any request and see none, which keeps their statements out of the count."""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.refusals import collect_into, stop_collecting


@dataclass
class RequestRecord:
    request_id: str
    operation: str = ""  # set by the route that knows it (GraphQL: the operation's name)
    statements: int = 0
    error_codes: list[str] = field(default_factory=list)


_current: contextvars.ContextVar[RequestRecord | None] = contextvars.ContextVar(
    "anzexian_request_record", default=None
)


@dataclass(frozen=True)
class RecordToken:
    """What ``close_record`` restores: the record's context variable and the mutations'
    refusal list (resolvers/refusals.py), bound to the record's error codes."""

    record: contextvars.Token[RequestRecord | None]
    refusals: contextvars.Token[list[str] | None]


def open_record(request_id: str) -> tuple[RequestRecord, RecordToken]:
    record = RequestRecord(request_id)
    # Typed refusals are answers, not GraphQL errors: their codes join the record's directly.
    return record, RecordToken(_current.set(record), collect_into(record.error_codes))


def close_record(token: RecordToken) -> None:
    stop_collecting(token.refusals)
    _current.reset(token.record)


def current_record() -> RequestRecord | None:
    return _current.get()


def current_request_id() -> str | None:
    record = _current.get()
    return record.request_id if record is not None else None


# An operation name as a metrics label: GraphQL's Name grammar, at most 64 characters.
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")


def note_operation(name: str | None) -> None:
    record = _current.get()
    if record is not None:
        record.operation = name if name and _NAME.match(name) else "anonymous"


# The name of a document's first operation, without parsing it (GraphQL allows omitting
# operationName when the document holds one operation).
_FIRST_OPERATION = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([_A-Za-z]\w*)"
)


def operation_name_of(document: str | None) -> str | None:
    match = _FIRST_OPERATION.match(document or "")
    return match.group(1) if match else None


def note_error_codes(errors: Any) -> None:
    """The ``extensions.code`` of each GraphQL error (graphql-core's or a response's dicts)."""
    record = _current.get()
    if record is None or not errors:
        return
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else error.extensions
        code = (extensions or {}).get("code") if isinstance(extensions, dict) else None
        record.error_codes.append(str(code) if code else "INTERNAL")


def count_statements(engine: AsyncEngine) -> None:
    """Count every statement the engine sends into the current request's record."""

    def _count(*_: Any) -> None:
        record = _current.get()
        if record is not None:
            record.statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", _count)
