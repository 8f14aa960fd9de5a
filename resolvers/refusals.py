"""The codes of the typed refusals a request's mutations answered with (issue 8).

A refused write is a union member (``InputErrors``, ``NotFound``, ``Conflict``,
``Forbidden``), not a GraphQL error, so the ``errors`` the gateway counts never show it.
``write_outcome`` (resolvers/mutations/outcome.py), the one place every refusal is made,
notes its code here; the gateway binds the list of the request's record
(server/request_record.py), which ``anzexian_errors_total{code}`` and the access log's
``error_codes`` read. A context variable rather than a field of the request context: the
record belongs to the HTTP request, opened before any GraphQL runs, and the resolvers must
not import the server. Unbound (schema-level tests, tools), a refusal is noted nowhere. Only
refusals cost anything: nothing is read from a successful result."""

from __future__ import annotations

import contextvars

_sink: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "anzexian_refusal_codes", default=None
)


def collect_into(codes: list[str]) -> contextvars.Token[list[str] | None]:
    """Refusals noted in this context (and the tasks it starts) are appended to ``codes``."""
    return _sink.set(codes)


def stop_collecting(token: contextvars.Token[list[str] | None]) -> None:
    _sink.reset(token)


def note_refusal(code: str) -> None:
    codes = _sink.get()
    if codes is not None:
        codes.append(code)
