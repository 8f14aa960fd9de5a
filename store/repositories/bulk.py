"""Multi-row inserts for bulk ingestion, inside the caller's transaction (never commits).

Core ``insert(table)`` with a list of parameter dicts: SQLAlchemy's "insertmanyvalues" sends
one multi-row INSERT per page of rows (1,000 by default) on both backends, so the statements
per batch do not grow with the rows but with the pages. ORM objects are skipped on purpose:
building one costs several times what a row of parameters does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from store.archive import chain as archive_chain
from store.archive.sources import SOURCES as ARCHIVED
from store.base import Base
from store.repositories.base import Repository
from store.repositories.search_outbox import enqueue, outbox_rows

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
    await conn.execute(insert(table), list(rows))
    if outbox:
        await enqueue(conn, outbox_rows(table.name, rows))


async def archive_inserted(conn: AsyncConnection, inserted: dict[str, Sequence[int]]) -> None:
    """Append the new rows to their units' archive chains (R-7.4-archive), in the caller's
    transaction: store/archive/hook.py's twin for Core inserts. One call for a parent and
    its children keeps the statements per chunk bounded (tests/services/test_bulk_statements.py)."""
    changes = archive_chain.Changes()
    for name, ids in inserted.items():
        changes.inserted[name].update(ids)
    if changes:
        await conn.run_sync(archive_chain.append, changes)


async def insert_returning_ids(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[Row],
    *,
    outbox: bool = True,
    archive: bool = True,
) -> list[int]:
    """Insert ``rows`` and return their new ids, ``ids[i]`` belonging to ``rows[i]``.

    PostgreSQL: ``RETURNING id`` with ``sort_by_parameter_order`` (SQLAlchemy orders the
    sequence calls by a sentinel counter and sorts the rows back). SQLite has no such
    sentinel in SQLAlchemy and would fall back to one INSERT per row; instead we rely on
    what an INTEGER PRIMARY KEY guarantees inside one write transaction: each row of a
    multi-row INSERT gets max(rowid) + 1 in VALUES order, so the ids sorted ascending are the
    rows in parameter order. A gap in them means that assumption broke: fail loudly rather
    than hang a hazard on the wrong record.

    ``outbox=False``: the caller enqueued the search rows (children of new parents);
    ``archive=False``: the caller archives the rows itself with ``archive_inserted``.
    """
    if not rows:
        return []
    table = Base.metadata.tables[model.__tablename__]
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids = list((await conn.execute(stmt, list(rows))).scalars())
    else:
        ids = sorted(
            (await conn.execute(insert(table).returning(table.c.id), list(rows))).scalars()
        )
        if len(ids) != len(rows) or ids[-1] - ids[0] != len(ids) - 1:
            raise RuntimeError(f"{table.name}: new ids are not consecutive; cannot pair them")
    if outbox:
        await enqueue(conn, outbox_rows(table.name, rows, ids))  # same transaction as the rows
    if archive and table.name in ARCHIVED:
        await archive_inserted(conn, {table.name: ids})
    return ids


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
