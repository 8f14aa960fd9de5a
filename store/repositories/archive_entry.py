"""Queries on the archive chains (R-7.4-archive).

Two kinds of reader: ``anzexian verify`` and the checkpoint export are trusted tools that
stream every chain on a synchronous connection (``AsyncConnection.run_sync``) with a
server-side cursor, so a million entries never sit in memory; GraphQL reads one unit's
chain through the scope hook like any other read (``ArchiveEntryRepository``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, and_, func, select
from sqlalchemy.sql import Select

from store.archive.chain import ENTRY, HEAD, rows_query, table
from store.models.archive_entry import ArchiveEntry
from store.models.insured_unit import InsuredUnit
from store.repositories.base import Repository

_STREAM = 5_000  # rows fetched per round trip while streaming


def _stream(conn: Connection, stmt: Select[Any]) -> Iterator[RowMapping]:
    # On the statement, never the connection: Connection.execution_options() changes the
    # connection itself, and a request's session would keep streaming every later read.
    result = conn.execute(stmt.execution_options(stream_results=True, yield_per=_STREAM))
    yield from result.mappings()


def stream_chains(conn: Connection, unit_id: int | None = None) -> Iterator[RowMapping]:
    """Every entry in chain order: by unit, then ``seq``."""
    stmt = select(ENTRY).order_by(ENTRY.c.unit_id, ENTRY.c.seq, ENTRY.c.id)
    if unit_id is not None:
        stmt = stmt.where(ENTRY.c.unit_id == unit_id)
    return _stream(conn, stmt)


def stream_versions(
    conn: Connection, source_table: str, unit_id: int | None = None
) -> Iterator[RowMapping]:
    """The entries of ``source_table``'s rows, by row and version (ix_archive_entry_source)."""
    stmt = (
        select(
            ENTRY.c.unit_id,
            ENTRY.c.seq,
            ENTRY.c.kind,
            ENTRY.c.source_id,
            ENTRY.c.source_version,
            ENTRY.c.content,
            ENTRY.c.recorded_at,
        )
        .where(ENTRY.c.source_table == source_table)
        .order_by(ENTRY.c.source_id, ENTRY.c.source_version, ENTRY.c.seq)
    )
    if unit_id is not None:
        stmt = stmt.where(ENTRY.c.unit_id == unit_id)
    return _stream(conn, stmt)


def stream_sources(
    conn: Connection, source_table: str, unit_id: int | None = None
) -> Iterator[RowMapping]:
    """The archived table's rows as stored, with their unit and insurer, by id."""
    own = table(source_table)
    return _stream(conn, rows_query(source_table, unit_id).order_by(own.c.id))


def entry_count(conn: Connection, unit_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(ENTRY)
    if unit_id is not None:
        stmt = stmt.where(ENTRY.c.unit_id == unit_id)
    return int(conn.execute(stmt).scalar_one())


def heads(conn: Connection, unit_id: int | None = None) -> dict[int, tuple[int, str]]:
    """The recorded chain heads: unit → (seq, hash)."""
    stmt = select(HEAD.c.unit_id, HEAD.c.seq, HEAD.c.hash)
    if unit_id is not None:
        stmt = stmt.where(HEAD.c.unit_id == unit_id)
    return {u: (s, h) for u, s, h in conn.execute(stmt)}


def last_entries(conn: Connection) -> list[tuple[int, int, str]]:
    """Each chain's newest entry as stored: (unit, seq, hash), by unit."""
    newest = (
        select(ENTRY.c.unit_id, func.max(ENTRY.c.seq).label("seq"))
        .group_by(ENTRY.c.unit_id)
        .subquery()
    )
    stmt = (
        select(ENTRY.c.unit_id, ENTRY.c.seq, ENTRY.c.hash)
        .join(newest, and_(newest.c.unit_id == ENTRY.c.unit_id, newest.c.seq == ENTRY.c.seq))
        .order_by(ENTRY.c.unit_id)
    )
    return [(u, s, h) for u, s, h in conn.execute(stmt)]


def unit_codes(conn: Connection, unit_ids: Sequence[int] | None = None) -> dict[int, str]:
    """Insured unit id → credit code (GB 32100), the key operators know units by."""
    stmt = select(InsuredUnit.id, InsuredUnit.credit_code)
    if unit_ids is not None:
        stmt = stmt.where(InsuredUnit.id.in_(list(unit_ids)))
    return {i: c for i, c in conn.execute(stmt)}


def unit_id_of(conn: Connection, credit_code: str) -> int | None:
    stmt = select(InsuredUnit.id).where(InsuredUnit.credit_code == credit_code)
    found = conn.execute(stmt).scalar_one_or_none()
    return None if found is None else int(found)


class ArchiveEntryRepository(Repository[ArchiveEntry]):
    model = ArchiveEntry

    async def page(self, unit_id: int, after_seq: int, limit: int) -> Sequence[ArchiveEntry]:
        """A page of the unit's chain in ``seq`` order, through the scope (keyset on seq)."""
        stmt = (
            self.select()
            .where(ArchiveEntry.unit_id == unit_id, ArchiveEntry.seq > after_seq)
            .order_by(ArchiveEntry.seq)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def unit_visible(
        self, unit_id: int, visible: Callable[[Any], ColumnElement[bool]]
    ) -> bool:
        """Whether the unit exists and meets ``visible`` (a condition on insured_unit)."""
        stmt = select(InsuredUnit.id).where(InsuredUnit.id == unit_id, visible(InsuredUnit))
        return (await self.session.execute(stmt)).first() is not None

    async def kind_counts(self, unit_id: int) -> dict[str, int]:
        """Entries per document kind in the unit's chain, of those the reader may see."""
        stmt = (
            self.select()
            .where(ArchiveEntry.unit_id == unit_id)
            .with_only_columns(ArchiveEntry.kind, func.count())
            .group_by(ArchiveEntry.kind)
        )
        return {kind: int(n) for kind, n in await self.session.execute(stmt)}
