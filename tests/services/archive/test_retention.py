"""Inside the retention period an archived row is neither deleted nor rewritten: the
application refuses (the archive hook, ARCHIVE_RETENTION) and so does the database
(migration 0008's triggers, TRUNCATE included on PostgreSQL), R-7.4-archive."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from services.archive.errors import retention_error
from services.rulesets import rulesets
from store.archive.hook import ArchivedRowDeleted
from store.archive.sources import MUTABLE, SOURCES
from store.base import Base
from store.models.fee_ledger_entry import FeeLedgerEntry
from tests.services.archive.scene import RETENTION_YEARS, Scene, build_scene, entries_of, sql

MIGRATION = importlib.import_module("store.migrations.versions.0008_archive_chain")
# Migration 0010 archives agency contracts with 0008's trigger functions.
CONTRACTS = importlib.import_module("store.migrations.versions.0010_agency_contracts")
FROZEN = {**MIGRATION.FROZEN, **CONTRACTS.FROZEN}
AGED_BY = {**MIGRATION.AGED_BY, **dict.fromkeys(CONTRACTS.FROZEN)}


def test_the_migration_keeps_the_rulesets_years_and_the_sources_columns() -> None:
    assert {r.retention.years for r in rulesets()} == {MIGRATION.RETENTION_YEARS}
    assert MIGRATION.RETENTION_YEARS == RETENTION_YEARS == CONTRACTS.RETENTION_YEARS
    assert set(FROZEN) == set(SOURCES) == set(AGED_BY)
    for table, (frozen, once) in FROZEN.items():
        free, set_once = MUTABLE.get(table, ((), ()))
        columns = [c.name for c in Base.metadata.tables[table].columns]
        assert sorted(frozen) == sorted(c for c in columns if c not in free + set_once), table
        assert once == set_once, table
        dated = "created_at" in columns
        assert (AGED_BY[table] is None) == dated, table
        if not dated:
            assert AGED_BY[table] == SOURCES[table].parent, table


def test_no_archived_column_is_personal_or_secret() -> None:
    """An entry's content shows every archived column (GraphQL ``content``): a column marked
    personal or business-secret (R-4.2-privacy) would need masking there first."""
    for table in SOURCES:
        marked = [c.name for c in Base.metadata.tables[table].columns if c.info.get("sensitivity")]
        assert marked == [], table


async def test_the_application_refuses_to_delete_an_archived_row(session: AsyncSession) -> None:
    scene = await build_scene(session)
    entry = await session.get(FeeLedgerEntry, (await _ledger(session, scene)))
    assert entry is not None
    await session.delete(entry)
    with pytest.raises(ArchivedRowDeleted) as refused:
        await session.flush()
    error = retention_error(refused.value, RETENTION_YEARS)
    assert error.code == "ARCHIVE_RETENTION"
    assert "R-7.4-archive" in error.message_en and "R-7.4-archive" in error.message_zh
    assert "5" in error.message_zh and "保存期" in error.message_zh


async def _ledger(session: AsyncSession, scene: Scene) -> int:
    entries = await entries_of(session, scene.units[0].id)
    return next(e.source_id for e in entries if e.source_table == "fee_ledger_entry")


async def _refused(session: AsyncSession, statement: str, **params: object) -> None:
    conn = await session.connection()
    with pytest.raises(DBAPIError, match=r"R-7\.4-archive"):
        async with conn.begin_nested():
            await sql(session, statement, **params)


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM fee_ledger_entry WHERE unit_id = :u",
        "DELETE FROM complaint WHERE unit_id = :u",
        "DELETE FROM service_record WHERE unit_id = :u",
        "DELETE FROM hazard WHERE service_record_id IN "
        "(SELECT id FROM service_record WHERE unit_id = :u)",
        "DELETE FROM scheme_item WHERE scheme_id IN "
        "(SELECT id FROM service_scheme WHERE unit_id = :u)",
        "DELETE FROM archive_entry WHERE unit_id = :u",
        "DELETE FROM archive_head WHERE unit_id = :u",
        "UPDATE archive_entry SET kind = 'x' WHERE unit_id = :u",
        "UPDATE fee_ledger_entry SET amount = 1 WHERE unit_id = :u",
        "UPDATE insurance_policy SET premium = 1 WHERE unit_id = :u",
        "UPDATE service_scheme SET version = 9 WHERE unit_id = :u",
        "UPDATE service_record SET unit_id = unit_id + 1 WHERE unit_id = :u",
        "UPDATE service_record SET completed_at = started_at WHERE unit_id = :u",  # set once
        "UPDATE hazard SET description = 'x' WHERE service_record_id IN "
        "(SELECT id FROM service_record WHERE unit_id = :u)",
        "DELETE FROM agency_contract WHERE unit_id = :u",  # migration 0010
        "UPDATE agency_contract SET valid_to = NULL, scope_of_services = 'x' WHERE unit_id = :u",
    ],
)
async def test_the_database_refuses_deletes_and_rewrites(
    session: AsyncSession, statement: str
) -> None:
    scene = await build_scene(session)
    await _refused(session, statement, u=scene.units[0].id)
    assert await entries_of(session, scene.units[0].id)  # the chain stands


async def test_the_database_lets_the_application_change_what_it_changes(
    session: AsyncSession,
) -> None:
    scene = await build_scene(session)
    unit = scene.units[0].id
    # A record's status and description, a complaint answered once, a hazard rectified.
    await sql(
        session,
        "UPDATE service_record SET status = 'confirmed', place = 'p' WHERE unit_id = :u",
        u=unit,
    )
    await sql(
        session,
        "UPDATE complaint SET answered_at = CURRENT_TIMESTAMP, status = 'answered' "
        "WHERE unit_id = :u",
        u=unit,
    )
    await sql(
        session, "UPDATE hazard SET rectified_at = CURRENT_TIMESTAMP WHERE rectified_at IS NULL"
    )
    # ...but an answer once given is never rewritten.
    await _refused(session, "UPDATE complaint SET answered_at = NULL WHERE unit_id = :u", u=unit)


async def test_rows_past_the_retention_period_may_be_deleted_by_the_database(
    session: AsyncSession,
) -> None:
    scene = await build_scene(session)
    policy = scene.policies[0]
    await sql(
        session,
        "INSERT INTO fee_ledger_entry (insurer_id, unit_id, policy_id, kind, amount, occurred_on, "
        "purpose, created_at) VALUES (:i, :u, :p, 'expenditure', 5.00, '2015-05-01', '旧账', "
        ":t)",
        i=policy.insurer_id,
        u=policy.unit_id,
        p=policy.id,
        t=datetime(2015, 5, 1, tzinfo=UTC),
    )
    conn = await session.connection()
    gone = await conn.execute(text("DELETE FROM fee_ledger_entry WHERE purpose = '旧账'"))
    assert gone.rowcount == 1  # older than the retention years: the trigger lets it go
    # while its created_at, like every frozen column, cannot be back-dated to escape it
    young = await _complaint(session, scene)
    await _refused(
        session,
        "UPDATE complaint SET created_at = :t WHERE id = :i",
        t=datetime(2015, 1, 1, tzinfo=UTC),
        i=young,
    )


async def _complaint(session: AsyncSession, scene: Scene) -> int:
    entries = await entries_of(session, scene.units[0].id)
    return next(e.source_id for e in entries if e.source_table == "complaint")


async def test_emptying_a_table_is_refused(session: AsyncSession, backend: str) -> None:
    """PostgreSQL: TRUNCATE (a statement-level trigger); SQLite, which has no TRUNCATE: the
    unqualified DELETE it would use instead (its row triggers turn the truncate shortcut off)."""
    await build_scene(session)
    for table in (
        "archive_entry",
        "archive_head",
        "fee_ledger_entry",
        "service_record",
        "agency_contract",
    ):
        if backend == "postgresql":
            await _refused(session, f"TRUNCATE {table} CASCADE")
        else:
            await _refused(session, f"DELETE FROM {table}")
