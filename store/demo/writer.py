"""Bulk writing of generated chunks into the caller's transaction.

PostgreSQL: asyncpg's binary COPY on the connection SQLAlchemy already holds, so it joins the
open transaction; then each id sequence is moved past the explicit ids. SQLite: chunked
executemany of ``insert(table)``. Never commits: the caller owns the transaction.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection
from tqdm import tqdm

import store.models  # noqa: F401  (registers every table on Base.metadata)
from store.base import Base
from store.demo.context import Chunk, Row

SQLITE_CHUNK = 5_000  # rows per executemany; bounds the bound-parameter lists


def _table(name: str, columns: tuple[str, ...]) -> Table:
    table = Base.metadata.tables[name]
    unknown = [c for c in columns if c not in table.c]
    if unknown:
        raise ValueError(f"{name} has no column(s) {', '.join(unknown)}")
    return table


def _json_positions(table: Table, columns: tuple[str, ...]) -> list[int]:
    return [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]


def _as_json(rows: list[Row], positions: list[int]) -> list[Row]:
    """COPY sends JSON columns as text; SQLAlchemy's JSON type would have serialised them."""
    out = []
    for row in rows:
        values = list(row)
        for i in positions:
            if values[i] is not None:
                values[i] = json.dumps(values[i], ensure_ascii=False)
        out.append(tuple(values))
    return out


async def _copy(conn: AsyncConnection, table: Table, chunk: Chunk) -> None:
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    if not driver.is_in_transaction():
        # COPY outside a transaction would commit on its own; the caller must own one.
        raise RuntimeError("seed writer needs an open transaction (run a statement first)")
    rows = chunk.rows
    positions = _json_positions(table, chunk.columns)
    if positions:
        rows = _as_json(rows, positions)
    await driver.copy_records_to_table(table.name, records=rows, columns=list(chunk.columns))


async def _insert(conn: AsyncConnection, table: Table, chunk: Chunk) -> None:
    columns = chunk.columns
    for start in range(0, len(chunk.rows), SQLITE_CHUNK):
        part = chunk.rows[start : start + SQLITE_CHUNK]
        await conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in part])


async def _reset_sequences(conn: AsyncConnection, tables: Iterable[Table]) -> None:
    """After COPY with explicit ids the sequences still stand at 1; move each past max(id)."""
    for table in tables:
        if "id" not in table.c:
            continue
        await conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT max(id) FROM {table.name}))"
            )
        )


def _next(chunks: Iterator[Chunk]) -> Chunk | None:
    return next(chunks, None)


async def write(
    conn: AsyncConnection,
    table_rows: Iterable[Chunk],
    *,
    progress: bool = False,
    total_units: int | None = None,
) -> dict[str, int]:
    """Write every chunk in order; returns the number of rows per table.

    With ``progress``, one bar counts insured units (the data set is generated unit by
    unit, so units measure how far along it is) and shows the rows written so far.
    """
    postgres = conn.dialect.name == "postgresql"
    counts: dict[str, int] = {}
    written: dict[str, Table] = {}
    bar: tqdm[Any] | None = (
        tqdm(total=total_units, desc="seeding", unit=" units", dynamic_ncols=True)
        if progress
        else None
    )
    chunks = iter(table_rows)
    # Generate the next chunk in a worker thread while this one is written: the database
    # works on the other core meanwhile. One chunk ahead, so memory stays one batch.
    pending = asyncio.create_task(asyncio.to_thread(_next, chunks))
    try:
        while (chunk := await pending) is not None:
            pending = asyncio.create_task(asyncio.to_thread(_next, chunks))
            table = written.get(chunk.table)
            if table is None:
                table = written[chunk.table] = _table(chunk.table, chunk.columns)
            if postgres:
                await _copy(conn, table, chunk)
            else:
                await _insert(conn, table, chunk)
            counts[chunk.table] = counts.get(chunk.table, 0) + len(chunk.rows)
            if bar is not None:
                if chunk.table == "insured_unit":
                    bar.update(len(chunk.rows))
                bar.set_postfix_str(f"{sum(counts.values()):,} rows, {chunk.table}")
        if postgres:
            await _reset_sequences(conn, written.values())
    finally:
        if not pending.done():
            pending.cancel()
        if bar is not None:
            bar.close()
    return counts
