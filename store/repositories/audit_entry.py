"""Queries on the audit log: appending entries in batches, and "who read this unit".

Appending is the write-behind writer's (server/audit_writer.py), in its own transaction:
never the request's. Reading goes through the scope like any other read (EXAMPLES #4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, TextClause, bindparam, insert, select, text
from sqlalchemy.dialects import postgresql

from store.base import Base
from store.enums import AuditOperationKind
from store.models.audit_entry import (
    OMITTED_KEY,
    OPERATION_NAME_MAX_LENGTH,
    PRINCIPAL_MAX_LENGTH,
    AuditEntry,
)
from store.models.audit_subject import AuditSubject
from store.models.insured_unit import InsuredUnit
from store.repositories.base import Repository


@dataclass(frozen=True, slots=True)
class NewAuditEntry:
    """One entry to append, with the insured units whose archive rows it returned."""

    at: datetime
    principal: str
    roles: tuple[str, ...]
    scope: str
    kind: AuditOperationKind
    operation_name: str | None
    operation_hash: str
    variables_hash: str
    row_count: int
    rows: dict[str, list[Any]] = field(default_factory=dict)
    omitted: dict[str, int] = field(default_factory=dict)  # rows returned past the id bound
    aggregate: bool = False
    subjects: frozenset[int] = frozenset()

    def columns(self) -> dict[str, Any]:
        # Cut to the columns' widths rather than refuse: the log must take every entry.
        name = self.operation_name
        return {
            "at": self.at,
            "principal": self.principal[:PRINCIPAL_MAX_LENGTH],
            "roles": ",".join(self.roles)[:128],
            "scope": self.scope,
            "kind": self.kind,
            "operation_name": None if name is None else name[:OPERATION_NAME_MAX_LENGTH],
            "operation_hash": self.operation_hash,
            "variables_hash": self.variables_hash,
            "row_count": self.row_count,
            "rows": self.listed_rows(),
            "aggregate": self.aggregate,
        }

    def listed_rows(self) -> dict[str, Any]:
        """The ``rows`` column: ids by GraphQL type, and under ``"omitted"`` (lower case, so
        never a type's name) how many more rows of each type were returned than listed."""
        if not self.omitted:
            return dict(self.rows)
        return {**self.rows, OMITTED_KEY: dict(self.omitted)}

    @property
    def id_count(self) -> int:
        """The ids the entry lists: its weight in the writer's queue."""
        return sum(len(keys) for keys in self.rows.values())


@dataclass(frozen=True, slots=True)
class EntryPage:
    """Entries newest first; ``more`` when another page follows."""

    entries: Sequence[AuditEntry]
    more: bool


class AuditEntryRepository(Repository[AuditEntry]):
    model = AuditEntry

    async def append(self, entries: Sequence[NewAuditEntry]) -> list[int]:
        """The entries and their subjects; the new ids, in the order of ``entries``.
        PostgreSQL: one statement for both tables, whatever the number of entries; SQLite:
        one multi-row INSERT per table."""
        if not entries:
            return []
        rows = [entry.columns() for entry in entries]
        if self.session.get_bind().dialect.name == "postgresql":
            return await self._append_unnest(entries, rows)
        # The table, not the mapped class: an INSERT of the class takes the ORM's bulk path,
        # which visits every row's attributes in Python.
        table = Base.metadata.tables[AuditEntry.__tablename__]
        # For ids in input order SQLAlchemy would send SQLite one INSERT per row. One
        # multi-row INSERT gives its rows rowids in VALUES order (each max + 1, under
        # SQLite's single writer), so the ids sorted are in input order.
        inserted = await self.session.execute(insert(table).values(rows).returning(table.c.id))
        ids = sorted(inserted.scalars())
        subjects = [
            {"audit_entry_id": entry_id, "insured_unit_id": unit}
            for entry_id, entry in zip(ids, entries, strict=True)
            for unit in sorted(entry.subjects)
        ]
        if subjects:
            subject_table = Base.metadata.tables[AuditSubject.__tablename__]
            await self.session.execute(insert(subject_table), subjects)
        return ids

    async def _append_unnest(
        self, entries: Sequence[NewAuditEntry], rows: list[dict[str, Any]]
    ) -> list[int]:
        """One statement (``_PG_APPEND``): each column an array; the subjects paired with
        their entries by position inside the statement, so no id comes back to Python
        before the subjects are written. What it replaced — an INSERT of the ORM class, then
        of the subjects — cost the writer ~12 µs of CPU per entry in SQLAlchemy's per-row
        processing, with a round trip per statement (bench/RESULTS.md, point lookups)."""
        arrays: dict[str, Any] = {c: [row[c] for row in rows] for c in _ENTRY_COLUMNS}
        arrays["subject_n"] = [n for n, e in enumerate(entries, 1) for _ in sorted(e.subjects)]
        arrays["subject_unit"] = [u for e in entries for u in sorted(e.subjects)]
        return list((await self.session.execute(_pg_append(), arrays)).scalars())

    async def unit_visible(
        self, unit_id: int, visible: Callable[[Any], ColumnElement[bool]]
    ) -> bool:
        """Whether the unit exists and meets ``visible`` (a condition on insured_unit)."""
        stmt = select(InsuredUnit.id).where(InsuredUnit.id == unit_id, visible(InsuredUnit))
        return (await self.session.execute(stmt)).first() is not None

    async def of_unit(
        self,
        unit_id: int,
        *,
        limit: int,
        before_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> EntryPage:
        """Entries whose subjects include the unit, newest first, through the scope; ``since``
        inclusive, ``until`` exclusive. Reads the (unit, entry) index backwards."""
        stmt = (
            self.select()
            .join(
                AuditSubject,
                (AuditSubject.audit_entry_id == AuditEntry.id)
                & (AuditSubject.insured_unit_id == unit_id),
            )
            .order_by(AuditSubject.audit_entry_id.desc())
            .limit(limit + 1)
        )
        if before_id is not None:
            stmt = stmt.where(AuditSubject.audit_entry_id < before_id)
        if since is not None:
            stmt = stmt.where(AuditEntry.at >= since)
        if until is not None:
            stmt = stmt.where(AuditEntry.at < until)
        rows = (await self.session.execute(stmt)).scalars().all()
        return EntryPage(entries=rows[:limit], more=len(rows) > limit)


_ENTRY_COLUMNS = (
    *("at", "principal", "roles", "scope", "kind", "operation_name", "operation_hash"),
    *("variables_hash", "row_count", "rows", "aggregate"),
)


@cache
def _pg_append() -> TextClause:
    """Entries and subjects in one statement: the entries' ids are drawn from the column's
    sequence in the entries' order (``e``, materialized: referenced twice, each row's id
    drawn once), the subjects join them by position (``n``), and the ids come back in that
    order."""
    entry = Base.metadata.tables[AuditEntry.__tablename__]
    subject = Base.metadata.tables[AuditSubject.__tablename__]
    listed = ", ".join(_ENTRY_COLUMNS)
    arrays = ", ".join(f":{c}" for c in _ENTRY_COLUMNS)
    statement = text(
        f"WITH e AS MATERIALIZED ("
        f"SELECT nextval(pg_get_serial_sequence('{entry.name}', 'id')) AS id, e.* "
        f"FROM unnest({arrays}) WITH ORDINALITY AS e({listed}, n)), "
        f"written AS (INSERT INTO {entry.name} (id, {listed}) SELECT id, {listed} FROM e), "
        f"subjects AS (INSERT INTO {subject.name} (audit_entry_id, insured_unit_id) "
        f"SELECT e.id, s.unit FROM unnest(:subject_n, :subject_unit) AS s(n, unit) "
        f"JOIN e ON e.n = s.n) "
        f"SELECT id FROM e ORDER BY n"
    )
    return statement.bindparams(
        *(bindparam(c, type_=postgresql.ARRAY(entry.c[c].type)) for c in _ENTRY_COLUMNS),
        bindparam("subject_n", type_=postgresql.ARRAY(BigInteger())),
        bindparam("subject_unit", type_=postgresql.ARRAY(subject.c.insured_unit_id.type)),
    )
