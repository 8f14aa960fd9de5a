"""Multi-row inserts for bulk ingestion, inside the caller's transaction (never commits).

Rows with ``RETURNING``: SQLAlchemy's "insertmanyvalues" sends one multi-row INSERT per page
of rows (1,000 by default) on both backends. Rows without: on PostgreSQL one ``INSERT …
SELECT FROM unnest(array, …)`` per table, whatever the number of rows (an executemany costs
the server one Bind/Execute per row); on SQLite an executemany, which stays in process. So
the statements per batch do not grow with the rows. ORM objects are skipped on purpose:
building one costs several times what a row of parameters does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, Table, TextClause, bindparam, insert, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from store.archive import chain as archive_chain
from store.archive.sources import SOURCES as ARCHIVED
from store.base import Base
from store.models.search_outbox import SearchOutbox
from store.repositories.base import Repository
from store.repositories.search_outbox import outbox_rows

Row = Mapping[str, object]


async def insert_rows(
    session: AsyncSession, model: type[Base], rows: Sequence[Row], *, outbox: bool = True
) -> None:
    """Insert ``rows`` (all with the same keys) without reading anything back; searchable
    rows add their search outbox rows in the same transaction (store/outbox.py's twin), unless
    the caller enqueued what they change already (``outbox=False``: children of new parents).
    An archived table's rows go through ``insert_returning_ids``: their chain needs the ids."""
    if not rows:
        return
    table = Base.metadata.tables[model.__tablename__]
    if table.name in ARCHIVED:
        await insert_returning_ids(session, model, rows, outbox=outbox)
        return
    conn = await session.connection()
    await _insert_plain(conn, table, rows)
    if outbox:
        await _enqueue(conn, outbox_rows(table.name, rows))


async def archive_inserted(conn: AsyncConnection, inserted: dict[str, Sequence[int]]) -> None:
    """Append the new rows to their units' archive chains (R-7.4-archive), in the caller's
    transaction: store/archive/hook.py's twin for Core inserts, reading the rows back. One
    call for a parent and its children keeps the statements per chunk bounded."""
    changes = archive_chain.Changes()
    for name, ids in inserted.items():
        changes.inserted[name].update(ids)
    if changes:
        await conn.run_sync(archive_chain.append, changes)


async def archive_returned(
    conn: AsyncConnection, returned: Mapping[str, Sequence[archive_chain.Stored]]
) -> None:
    """``archive_inserted`` without the read-back: the rows as their INSERT returned them
    (``insert_returning_rows``), a child's parents in the same call (R-7.4-archive). Their
    canonical content is made before the chain heads are locked, so the locks are held
    for the hashing and one write (tests/services/test_bulk_statements.py)."""
    pending = archive_chain.pending_inserted(returned)
    if pending:
        await conn.run_sync(archive_chain.append_pending, pending)


async def insert_returning_ids(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[Row],
    *,
    outbox: bool = True,
    archive: bool = True,
) -> list[int]:
    """Insert ``rows`` and return their new ids, ``ids[i]`` belonging to ``rows[i]``.

    ``outbox=False``: the caller enqueued the search rows (children of new parents);
    ``archive=False``: the caller archives the rows itself (``archive_returned``). A row
    that names its unit itself is archived from what its INSERT returned; a child (a
    follow-up of a stored record) is read back with its parent's unit.
    """
    if not rows:
        return []
    table = Base.metadata.tables[model.__tablename__]
    archived = archive and table.name in ARCHIVED
    if archived and ARCHIVED[table.name].parent is None:
        returned = await insert_returning_rows(session, model, rows, outbox=outbox)
        await archive_returned(await session.connection(), {table.name: returned})
        return [int(r["id"]) for r in returned]
    ids = [int(r["id"]) for r in await _insert_returning(session, table, rows, (table.c.id,))]
    conn = await session.connection()
    if outbox:
        await _enqueue(conn, outbox_rows(table.name, rows, ids))  # same transaction as the rows
    if archived:
        await archive_inserted(conn, {table.name: ids})
    return ids


async def insert_returning_rows(
    session: AsyncSession, model: type[Base], rows: Sequence[Row], *, outbox: bool = True
) -> list[RowMapping]:
    """Insert ``rows`` and return each as stored (every column, ``returned[i]`` belonging
    to ``rows[i]``), for ``archive_returned``; not archived here."""
    if not rows:
        return []
    table = Base.metadata.tables[model.__tablename__]
    returned = await _insert_returning(session, table, rows, tuple(table.c))
    if outbox:
        ids = [int(r["id"]) for r in returned]
        await _enqueue(await session.connection(), outbox_rows(table.name, rows, ids))
    return returned


async def _insert_returning(
    session: AsyncSession, table: Table, rows: Sequence[Row], columns: tuple[Any, ...]
) -> list[RowMapping]:
    """PostgreSQL: ``RETURNING`` with ``sort_by_parameter_order`` (SQLAlchemy orders the
    sequence calls by a sentinel counter and sorts the rows back). SQLite has no such
    sentinel in SQLAlchemy and would fall back to one INSERT per row; instead we rely on
    what an INTEGER PRIMARY KEY guarantees inside one write transaction: each row of a
    multi-row INSERT gets max(rowid) + 1 in VALUES order, so the rows sorted by id are the
    rows in parameter order. A gap in the ids means that assumption broke: fail loudly
    rather than hang a hazard on the wrong record."""
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        stmt = insert(table).returning(*columns, sort_by_parameter_order=True)
        return list((await conn.execute(stmt, list(rows))).mappings())
    found = (await conn.execute(insert(table).returning(*columns), list(rows))).mappings()
    returned = sorted(found, key=lambda r: int(r["id"]))
    first, last = (int(returned[0]["id"]), int(returned[-1]["id"])) if returned else (0, -1)
    if len(returned) != len(rows) or last - first != len(returned) - 1:
        raise RuntimeError(f"{table.name}: new ids are not consecutive; cannot pair them")
    return returned


async def _enqueue(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """The search outbox rows of a bulk insert (store/repositories/search_outbox.py's
    ``enqueue``, in one statement on PostgreSQL), in the same transaction as the rows."""
    await _insert_plain(conn, Base.metadata.tables[SearchOutbox.__tablename__], rows)


async def _insert_plain(conn: AsyncConnection, table: Table, rows: Sequence[Row]) -> None:
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        await conn.execute(insert(table), list(rows))
        return
    names = tuple(rows[0])
    arrays = {name: [row[name] for row in rows] for name in names}
    await conn.execute(_unnest_insert(table.name, names), arrays)


@cache
def _unnest_insert(name: str, columns: tuple[str, ...]) -> TextClause:
    """``INSERT INTO name (columns) SELECT * FROM unnest(:c1, :c2, …)``: one array parameter
    per column, typed as the column (its bind processing applied per element)."""
    table = Base.metadata.tables[name]
    listed = ", ".join(columns)
    arrays = ", ".join(f":{c}" for c in columns)
    stmt = text(f"INSERT INTO {name} ({listed}) SELECT * FROM unnest({arrays})")
    return stmt.bindparams(
        *(bindparam(c, type_=postgresql.ARRAY(table.c[c].type)) for c in columns)
    )


async def ids_created_at(
    repo: Repository[Any], created_at: datetime, first_id: int, limit: int
) -> list[int]:
    """Ids of ``repo``'s rows stamped ``created_at`` from ``first_id`` on, in id order,
    through the repository's scope: how a replayed bulk upload finds what it wrote."""
    model = repo.model
    stmt = (
        repo.select()
        .where(model.created_at == created_at, model.id >= first_id)
        .with_only_columns(model.id)
        .order_by(model.id)
        .limit(limit)
    )
    return list((await repo.session.execute(stmt)).scalars())
