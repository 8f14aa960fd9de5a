"""Every ORM write of a searchable row adds a search outbox row in the same flush, so in the
same transaction: committed together, or rolled back together (savepoints included).

A session event on every ``Session`` (tests' sessions and the server's alike); the Core bulk
path adds its rows itself (store/repositories/bulk.py). Reads never reach here.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from store.base import utcnow
from store.repositories.search_outbox import SOURCES, enqueue_sync


def _key(obj: Any, column: str) -> Any:
    state = inspect(obj)
    value = state.dict.get(column)
    if value is None and column == "id" and state.identity is not None:
        value = state.identity[0]  # a deleted row: its key from the identity map
    return value


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    # In after_flush the new/dirty/deleted sets still describe the flush, and new rows
    # already have their keys.
    now = utcnow()
    changes: dict[tuple[str, int], None] = {}
    for obj in chain(session.new, session.dirty, session.deleted):
        source = SOURCES.get(getattr(type(obj), "__tablename__", ""))
        if source is None:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        key = _key(obj, source[1])
        if key is not None:
            changes[(source[0], int(key))] = None
    enqueue_sync(
        session.connection(),
        [{"entity": e, "row_id": k, "created_at": now, "attempts": 0} for e, k in changes],
    )


def install() -> None:
    """Idempotent: listen on every Session once."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
