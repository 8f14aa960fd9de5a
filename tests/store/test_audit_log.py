"""The audit log's tables: entries append in one batch with their subjects, and the database
itself refuses to change or remove them (triggers of migration 0005), on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import AuditOperationKind
from store.models.audit_entry import AuditEntry
from store.models.audit_subject import AuditSubject
from store.repositories.audit_entry import AuditEntryRepository, NewAuditEntry

HASH = "0" * 64


def entry(principal: str = "demo-regulator-gd", **overrides: object) -> NewAuditEntry:
    values: dict[str, object] = {
        "at": datetime(2026, 6, 30, 2, 0, tzinfo=UTC),
        "principal": principal,
        "roles": ("regulator",),
        "scope": "regulator@jurisdiction:440000",
        "kind": AuditOperationKind.QUERY,
        "operation_name": "Page",
        "operation_hash": HASH,
        "variables_hash": HASH,
        "row_count": 2,
        "rows": {"ServiceRecord": [7, 8]},
        "subjects": frozenset({41, 42}),
        **overrides,
    }
    return NewAuditEntry(**values)  # type: ignore[arg-type]


async def test_a_batch_appends_entries_and_their_subjects(session: AsyncSession) -> None:
    ids = await AuditEntryRepository(session).append(
        [entry(), entry("ops-admin", subjects=frozenset(), rows={}, row_count=0)]
    )

    assert len(ids) == 2 and ids[0] < ids[1]
    first = await session.get(AuditEntry, ids[0])
    assert first is not None
    assert (first.principal, first.roles, first.rows) == (
        "demo-regulator-gd",
        "regulator",
        {"ServiceRecord": [7, 8]},
    )
    subjects = await session.execute(
        select(AuditSubject.audit_entry_id, AuditSubject.insured_unit_id).order_by(
            AuditSubject.insured_unit_id
        )
    )
    assert subjects.all() == [(ids[0], 41), (ids[0], 42)]


@pytest.mark.parametrize(
    "change",
    [
        lambda entry_id: update(AuditEntry).where(AuditEntry.id == entry_id).values(row_count=0),
        lambda entry_id: delete(AuditEntry).where(AuditEntry.id == entry_id),
        lambda entry_id: (
            update(AuditSubject)
            .where(AuditSubject.audit_entry_id == entry_id)
            .values(insured_unit_id=1)
        ),
        lambda entry_id: delete(AuditSubject).where(AuditSubject.audit_entry_id == entry_id),
    ],
    ids=["update entry", "delete entry", "update subject", "delete subject"],
)
async def test_the_database_refuses_changes(session: AsyncSession, change: object) -> None:
    (entry_id,) = await AuditEntryRepository(session).append([entry()])
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():  # PostgreSQL: keep the test's transaction usable
            await session.execute(change(entry_id))  # type: ignore[operator]
    row = await session.get(AuditEntry, entry_id)
    assert row is not None and row.row_count == 2
