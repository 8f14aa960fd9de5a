"""Every ORM flush that inserts or changes an archived row appends to the unit's archive
chain in that same flush, so in the same transaction (R-7.4-archive): committed together or
rolled back together, savepoints included. The search outbox's hook point (store/outbox.py),
for the same reason: no ORM write path can skip it. Core bulk inserts append themselves
(store/repositories/bulk.py).

A flush that deletes an archived row fails before it starts: the application has no path
that deletes one, and no purge before the retention period ends (services/archive/errors.py
turns the error into the coded, bilingual ARCHIVE_RETENTION refusal); the database refuses
it too (migration 0008).
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from store.archive.sources import SOURCES


class ArchivedRowDeleted(Exception):
    """A flush tried to delete an archived row (R-7.4-archive)."""

    def __init__(self, table: str, row_id: int | None) -> None:
        super().__init__(f"R-7.4-archive: {table} {row_id} is archived and cannot be deleted")
        self.table = table
        self.row_id = row_id


def _table(obj: Any) -> str:
    return getattr(type(obj), "__tablename__", "")


def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    # Before any statement: the application refuses before the database has to (a row
    # deleted by a cascade during the flush still meets the database's trigger).
    for obj in session.deleted:
        if _table(obj) in SOURCES:
            identity = inspect(obj).identity
            raise ArchivedRowDeleted(_table(obj), identity[0] if identity else None)


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    # Imported here: store.models installs this hook, and the chain imports store.models.
    from store.archive import chain as archive_chain

    changes = archive_chain.Changes()
    for obj in chain(session.new, session.dirty):
        name = _table(obj)
        if name not in SOURCES:
            continue
        if obj in session.new:
            changes.inserted[name].add(int(obj.id))
        elif session.is_modified(obj, include_collections=False):
            changes.updated[name].add(int(obj.id))
    if changes:
        archive_chain.append(session.connection(), changes)


def install() -> None:
    """Idempotent: listen on every Session once."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
