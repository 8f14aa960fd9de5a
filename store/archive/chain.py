"""Appending to the units' archive chains, in the transaction of the write (R-7.4-archive).

``append`` takes the rows a transaction inserted or changed, reads them back as stored
(so the content hashed is what the database holds, the same bytes ``verify`` and the
backfill compute), locks the chain heads of their units in unit order and adds one entry per
new row version. Synchronous on a ``Connection``: the ORM hook runs inside a flush
(store/archive/hook.py); the Core bulk path calls it through ``AsyncConnection.run_sync``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    Table,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from store.archive import canonical
from store.archive.sources import SOURCES, kind_of
from store.base import Base, utcnow
from store.models.archive_entry import ArchiveEntry
from store.models.archive_head import ArchiveHead

_CHUNK = 1000  # ids per IN list: a bulk chunk's rows in one read, under SQLite's bound
ENTRY: Table = Base.metadata.tables[ArchiveEntry.__tablename__]
HEAD: Table = Base.metadata.tables[ArchiveHead.__tablename__]


@dataclass
class Changes:
    """What one transaction did to archived rows: table → ids inserted / ids updated."""

    inserted: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    updated: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def __bool__(self) -> bool:
        return any(self.inserted.values()) or any(self.updated.values())


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def rows_query(name: str, unit_id: int | None = None) -> Select[Any]:
    """Every column of ``name`` plus the unit and insurer it belongs to (``_unit_id``,
    ``_insurer_id``), through its parent for a child row; ``unit_id``: that unit's only."""
    own = table(name)
    parent = SOURCES[name].parent
    anchor = own if parent is None else table(parent[0])
    stmt = select(own, anchor.c.unit_id.label("_unit_id"), anchor.c.insurer_id.label("_insurer_id"))
    if parent is not None:
        stmt = stmt.join_from(own, anchor, anchor.c.id == own.c[parent[1]])
    if unit_id is not None:
        # The unit's rows, and the rows its chain archived (one may have been moved away).
        archived = select(ENTRY.c.source_id).where(
            ENTRY.c.unit_id == unit_id, ENTRY.c.source_table == name
        )
        stmt = stmt.where(or_(anchor.c.unit_id == unit_id, own.c.id.in_(archived)))
    return stmt


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _read(conn: Connection, name: str, ids: Iterable[int]) -> list[RowMapping]:
    own = table(name)
    found: list[RowMapping] = []
    for chunk in _chunks(ids):
        stmt = rows_query(name).where(own.c.id.in_(chunk)).order_by(own.c.id)
        found.extend(conn.execute(stmt).mappings())
    return found


def _latest(conn: Connection, name: str, ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """source id → (its last archived version, that version's content)."""
    latest: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        stmt = select(ENTRY.c.source_id, ENTRY.c.source_version, ENTRY.c.content).where(
            ENTRY.c.source_table == name, ENTRY.c.source_id.in_(chunk)
        )
        for source_id, version, text in conn.execute(stmt):
            if source_id not in latest or version > latest[source_id][0]:
                latest[source_id] = (version, text)
    return latest


@dataclass(frozen=True, slots=True)
class _Pending:
    unit_id: int
    insurer_id: int
    kind: str
    source_table: str
    source_id: int
    source_version: int
    content: str


def _pending(conn: Connection, changes: Changes) -> list[_Pending]:
    out: list[_Pending] = []
    for name in SOURCES:  # parents before children, the same order as the backfill
        new = changes.inserted.get(name, set())
        changed = changes.updated.get(name, set()) - new
        if not new and not changed:
            continue
        rows = _read(conn, name, new | changed)
        latest = _latest(conn, name, changed) if changed else {}
        own = table(name)
        for row in rows:
            text = canonical.content(own, row)
            version = 1
            if row["id"] in latest:
                last_version, last_text = latest[row["id"]]
                if last_text == text:
                    continue  # no archived column changed
                version = last_version + 1
            out.append(
                _Pending(
                    unit_id=row["_unit_id"],
                    insurer_id=row["_insurer_id"],
                    kind=kind_of(name, dict(row)),
                    source_table=name,
                    source_id=row["id"],
                    source_version=version,
                    content=text,
                )
            )
    return out


def _lock_heads(conn: Connection, units: Sequence[int]) -> dict[int, tuple[int, str]]:
    """The heads of ``units``, created when missing, locked until the transaction ends."""
    heads: dict[int, tuple[int, str]] = {}
    dialect = conn.dialect.name
    for chunk in _chunks(units):
        fresh = [{"unit_id": u, "seq": 0, "hash": canonical.GENESIS} for u in chunk]
        ins = postgresql.insert(HEAD) if dialect == "postgresql" else sqlite.insert(HEAD)
        conn.execute(ins.on_conflict_do_nothing(index_elements=["unit_id"]), fresh)
        stmt = select(HEAD.c.unit_id, HEAD.c.seq, HEAD.c.hash).where(HEAD.c.unit_id.in_(chunk))
        if dialect == "postgresql":
            # Unit order on every writer: two transactions never wait on each other in a ring.
            stmt = stmt.order_by(HEAD.c.unit_id).with_for_update()
        for unit_id, seq, digest in conn.execute(stmt):
            heads[unit_id] = (seq, digest)
    return heads


def append(conn: Connection, changes: Changes, *, now: datetime | None = None) -> int:
    """Add the entries for ``changes``; returns how many were added."""
    if not changes:
        return 0
    pending = _pending(conn, changes)
    if not pending:
        return 0
    at = now or utcnow()
    heads = _lock_heads(conn, sorted({p.unit_id for p in pending}))
    entries: list[dict[str, Any]] = []
    for p in pending:
        seq, prev = heads[p.unit_id]
        seq += 1
        digest = canonical.entry_hash(
            prev,
            unit_id=p.unit_id,
            seq=seq,
            kind=p.kind,
            source_table=p.source_table,
            source_id=p.source_id,
            source_version=p.source_version,
            recorded_at=at,
            content_text=p.content,
        )
        heads[p.unit_id] = (seq, digest)
        entries.append(
            {
                "unit_id": p.unit_id,
                "insurer_id": p.insurer_id,
                "seq": seq,
                "kind": p.kind,
                "source_table": p.source_table,
                "source_id": p.source_id,
                "source_version": p.source_version,
                "content": p.content,
                "prev_hash": prev,
                "hash": digest,
                "recorded_at": at,
            }
        )
    conn.execute(insert(ArchiveEntry), entries)
    touched = {e["unit_id"] for e in entries}
    conn.execute(
        update(HEAD)
        .where(HEAD.c.unit_id == bindparam("u"))
        .values(seq=bindparam("s"), hash=bindparam("h")),
        [{"u": u, "s": heads[u][0], "h": heads[u][1]} for u in sorted(touched)],
    )
    return len(entries)


def backfill(conn: Connection, *, batch: int = 5000) -> int:
    """Chain every archived row already stored (migration 0008): table by table in
    ``SOURCES`` order, ids ascending, so two databases with the same rows get the same
    chains apart from the time stamps. Rows archived already are skipped."""
    added = 0
    at = utcnow()
    for name in SOURCES:
        own = table(name)
        last = 0
        while True:
            stmt = (
                select(own.c.id)
                .where(own.c.id > last)
                .where(
                    ~select(ENTRY.c.id)
                    .where(and_(ENTRY.c.source_table == name, ENTRY.c.source_id == own.c.id))
                    .exists()
                )
                .order_by(own.c.id)
                .limit(batch)
            )
            ids = list(conn.execute(stmt).scalars())
            if not ids:
                break
            changes = Changes()
            changes.inserted[name] = set(ids)
            added += append(conn, changes, now=at)
            last = ids[-1]
    return added


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(ENTRY)).scalar_one())
