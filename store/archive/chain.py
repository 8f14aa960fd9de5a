"""Appending to the units' archive chains, in the transaction of the write (R-7.4-archive).

``append`` takes the rows a transaction inserted or changed, reads them back as stored
(so the content hashed is what the database holds, the same bytes ``verify`` and the
backfill compute), locks the chain heads of their units in unit order and adds one entry per
new row version. ``pending_inserted`` + ``append_pending`` do the same for rows a bulk
INSERT … RETURNING handed back whole, without the read. Synchronous on a ``Connection``:
the ORM hook runs inside a flush (store/archive/hook.py); the Core bulk path calls it
through ``AsyncConnection.run_sync``. Per append: one upsert locks the heads, then one
statement (PostgreSQL) or two (SQLite) write the entries and move the heads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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
    text,
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
Stored = Mapping[str, Any] | RowMapping  # one row as the database holds it


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
        for source_id, version, content in conn.execute(stmt):
            if source_id not in latest or version > latest[source_id][0]:
                latest[source_id] = (version, content)
    return latest


@dataclass(frozen=True, slots=True)
class Pending:
    """One entry to chain: everything but its place (seq, hashes) and time."""

    unit_id: int
    insurer_id: int
    kind: str
    source_table: str
    source_id: int
    source_version: int
    content: str


def _entry(
    name: str, row: Stored, unit_id: int, insurer_id: int, content: str, version: int
) -> Pending:
    return Pending(
        unit_id=unit_id,
        insurer_id=insurer_id,
        kind=kind_of(name, dict(row)),
        source_table=name,
        source_id=row["id"],
        source_version=version,
        content=content,
    )


def _pending(conn: Connection, changes: Changes) -> list[Pending]:
    out: list[Pending] = []
    for name in SOURCES:  # parents before children, the same order as the backfill
        new = changes.inserted.get(name, set())
        changed = changes.updated.get(name, set()) - new
        if not new and not changed:
            continue
        rows = _read(conn, name, new | changed)
        latest = _latest(conn, name, changed) if changed else {}
        own = table(name)
        for row in rows:
            content = canonical.content(own, row)
            version = 1
            if row["id"] in latest:
                last_version, last_content = latest[row["id"]]
                if last_content == content:
                    continue  # no archived column changed
                version = last_version + 1
            out.append(_entry(name, row, row["_unit_id"], row["_insurer_id"], content, version))
    return out


def pending_inserted(returned: Mapping[str, Sequence[Stored]]) -> list[Pending]:
    """The entries (version 1) of rows just inserted, from what their INSERT … RETURNING
    gave back: every column as the database holds it, the same values ``_read`` would
    select, so no read-back. A child's unit and insurer come from its parent's rows in the
    same call (records and their hazards); a child without them needs ``append``."""
    out: list[Pending] = []
    anchors: dict[str, dict[int, tuple[int, int]]] = {}
    for name in SOURCES:  # parents before children, rows by id: the order ``_pending`` has
        rows = returned.get(name)
        if not rows:
            continue
        own, parent = table(name), SOURCES[name].parent
        if parent is not None and parent[0] not in anchors:
            raise ValueError(f"{name}: its {parent[0]} rows are not in this call")
        placed: dict[int, tuple[int, int]] = {}
        for row in sorted(rows, key=lambda r: int(r["id"])):
            if parent is None:
                unit_id, insurer_id = row["unit_id"], row["insurer_id"]
            else:
                unit_id, insurer_id = anchors[parent[0]][row[parent[1]]]
            placed[row["id"]] = (unit_id, insurer_id)
            out.append(_entry(name, row, unit_id, insurer_id, canonical.content(own, row), 1))
        anchors[name] = placed
    return out


def _lock_heads(conn: Connection, units: Sequence[int]) -> dict[int, tuple[int, str]]:
    """The heads of ``units``, created when missing, locked until the transaction ends:
    one upsert per 1,000 units. ``DO UPDATE`` (a no-op: ``seq = seq``) rather than ``DO
    NOTHING`` + ``SELECT … FOR UPDATE``: it locks an existing head as FOR UPDATE would,
    waits for a head another transaction is creating, and returns every head, new or old,
    in the same round trip. PostgreSQL takes the row locks in VALUES order, unit order on
    every writer: two transactions never wait on each other in a ring. SQLite serialises
    writers anyway."""
    heads: dict[int, tuple[int, str]] = {}
    ins = postgresql.insert(HEAD) if conn.dialect.name == "postgresql" else sqlite.insert(HEAD)
    stmt = ins.on_conflict_do_update(
        index_elements=["unit_id"], set_={"seq": HEAD.c.seq}
    ).returning(HEAD.c.unit_id, HEAD.c.seq, HEAD.c.hash)
    for chunk in _chunks(units):
        fresh = [{"unit_id": u, "seq": 0, "hash": canonical.GENESIS} for u in chunk]
        for unit_id, seq, digest in conn.execute(stmt, fresh):
            heads[unit_id] = (seq, digest)
    return heads


def append(conn: Connection, changes: Changes, *, now: datetime | None = None) -> int:
    """Add the entries for ``changes``; returns how many were added."""
    if not changes:
        return 0
    return append_pending(conn, _pending(conn, changes), now=now)


def append_pending(
    conn: Connection, pending: Sequence[Pending], *, now: datetime | None = None
) -> int:
    """Chain ``pending`` (``_pending`` or ``pending_inserted``) onto their units' heads:
    lock the heads, hash in order, write the entries and move the heads. The content was
    made canonical before the locks; only the chained hash needs them."""
    if not pending:
        return 0
    at = now or utcnow()
    heads = _lock_heads(conn, sorted({p.unit_id for p in pending}))
    entries: list[tuple[Any, ...]] = []  # the values of ``_ENTRY_ARRAYS``, per entry
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
        source = (p.source_table, p.source_id, p.source_version)
        entries.append((p.unit_id, p.insurer_id, seq, p.kind, *source, p.content, prev, digest))
    touched = sorted({p.unit_id for p in pending})
    _write(conn, entries, [(u, *heads[u]) for u in touched], at)
    return len(pending)


# The columns of an entry but ``recorded_at`` (one time stamp per append), as arrays.
_ENTRY_ARRAYS = (
    *("unit_id", "insurer_id", "seq", "kind", "source_table", "source_id", "source_version"),
    *("content", "prev_hash", "hash"),
)
_HEAD_ARRAYS = {"u": "unit_id", "s": "seq", "h": "hash"}
# PostgreSQL: the entries and the heads they move in one statement, one array per column
# (``unnest``): the server sees 14 parameters whatever the number of entries, instead of an
# executemany of one INSERT per entry and one UPDATE per head.
_PG_WRITE = text(
    f"WITH entry AS (INSERT INTO {ENTRY.name} ({', '.join(_ENTRY_ARRAYS)}, recorded_at) "
    f"SELECT e.*, :recorded_at FROM unnest({', '.join(':' + c for c in _ENTRY_ARRAYS)}) "
    f"AS e({', '.join(_ENTRY_ARRAYS)})) "
    f"UPDATE {HEAD.name} SET seq = h.seq, hash = h.hash "
    f"FROM unnest(:u, :s, :h) AS h(unit_id, seq, hash) WHERE {HEAD.name}.unit_id = h.unit_id"
).bindparams(
    *(bindparam(c, type_=postgresql.ARRAY(ENTRY.c[c].type)) for c in _ENTRY_ARRAYS),
    *(bindparam(k, type_=postgresql.ARRAY(HEAD.c[c].type)) for k, c in _HEAD_ARRAYS.items()),
    bindparam("recorded_at", type_=ENTRY.c.recorded_at.type),
)


def _write(
    conn: Connection,
    entries: list[tuple[Any, ...]],
    moved: list[tuple[int, int, str]],
    at: datetime,
) -> None:
    """Insert ``entries`` and set each moved head (unit, seq, hash)."""
    if conn.dialect.name == "postgresql":
        arrays = dict(zip(_ENTRY_ARRAYS, map(list, zip(*entries, strict=True)), strict=True))
        heads = dict(zip(_HEAD_ARRAYS, map(list, zip(*moved, strict=True)), strict=True))
        conn.execute(_PG_WRITE, {**arrays, **heads, "recorded_at": at})
        return
    conn.execute(
        insert(ArchiveEntry),
        [{**dict(zip(_ENTRY_ARRAYS, e, strict=True)), "recorded_at": at} for e in entries],
    )
    conn.execute(
        update(HEAD)
        .where(HEAD.c.unit_id == bindparam("u"))
        .values(seq=bindparam("s"), hash=bindparam("h")),
        [dict(zip(_HEAD_ARRAYS, head, strict=True)) for head in moved],
    )


def backfill(conn: Connection, *, batch: int = 5000, tables: Sequence[str] | None = None) -> int:
    """Chain every archived row already stored (migration 0008): table by table in
    ``SOURCES`` order, ids ascending, so two databases with the same rows get the same
    chains apart from the time stamps. Rows archived already are skipped. ``tables``: only
    these (a migration names the tables that exist at its revision)."""
    added = 0
    at = utcnow()
    for name in SOURCES if tables is None else tables:
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
