"""Queries on the audit log: appending entries in batches, and "who read this unit".

Appending is the write-behind writer's (server/audit_writer.py), in its own transaction:
never the request's. Reading goes through the scope like any other read (EXAMPLES #4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, insert, select

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
        """One multi-row INSERT per table (SQLAlchemy pages rows past 1,000); the new ids,
        in the order of ``entries``."""
        if not entries:
            return []
        rows = [entry.columns() for entry in entries]
        if self.session.get_bind().dialect.name == "sqlite":
            # For ids in input order SQLAlchemy would send SQLite one INSERT per row. One
            # multi-row INSERT gives its rows rowids in VALUES order (each max + 1, under
            # SQLite's single writer), so the ids sorted are in input order.
            inserted = await self.session.execute(
                insert(AuditEntry).values(rows).returning(AuditEntry.id)
            )
            ids = sorted(inserted.scalars())
        else:
            inserted = await self.session.execute(
                insert(AuditEntry).returning(AuditEntry.id, sort_by_parameter_order=True), rows
            )
            ids = list(inserted.scalars())
        subjects = [
            {"audit_entry_id": entry_id, "insured_unit_id": unit}
            for entry_id, entry in zip(ids, entries, strict=True)
            for unit in sorted(entry.subjects)
        ]
        if subjects:
            await self.session.execute(insert(AuditSubject), subjects)
        return ids

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
