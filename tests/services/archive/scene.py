"""A small archive to test against: two units of one insurer, each with a contract, a
scheme, records with hazards, a follow-up, a confirmation, ledger entries, a complaint and
a hired agency's contract,
all written through the ORM (so through the archive hook, store/archive/hook.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.archive.checkpoint import Checkpoint
from services.archive.verify import Report, verify
from store.archive.sources import SOURCES
from store.models.archive_entry import ArchiveEntry
from store.models.insurance_policy import InsurancePolicy
from store.models.insured_unit import InsuredUnit
from store.models.service_record import ServiceRecord
from tests.factories.agency import create_agency
from tests.factories.agency_contract import create_contract
from tests.factories.complaint import create_complaint
from tests.factories.fee_ledger_entry import create_entry
from tests.factories.follow_up import create_follow_up
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import create_service_record, hazard
from tests.factories.service_scheme import create_scheme
from tests.factories.unit_confirmation import create_confirmation
from tests.factories.world import World, build_world, create_unit

RETENTION_YEARS = 5  # the ruleset's [retention] years (test_retention checks they agree)


@dataclass(frozen=True, slots=True)
class Scene:
    world: World
    units: tuple[InsuredUnit, InsuredUnit]
    policies: tuple[InsurancePolicy, InsurancePolicy]
    records: tuple[ServiceRecord, ServiceRecord]


async def _fill(session: AsyncSession, policy: InsurancePolicy) -> ServiceRecord:
    await create_scheme(session, policy)
    record = await create_service_record(session, policy, hazards=[hazard(), hazard(told=True)])
    await create_follow_up(session, record)
    await create_confirmation(session, record)
    await create_entry(session, policy)
    await create_complaint(session, insurer_id=policy.insurer_id, unit_id=policy.unit_id)
    await create_contract(session, policy, (await create_agency(session)).id)
    return record


async def build_scene(session: AsyncSession) -> Scene:
    world = await build_world(session)
    other = await create_unit(session)
    first = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    second = await create_policy(session, insurer_id=world.insurer.id, unit_id=other.id)
    one = await _fill(session, first)
    two = await _fill(session, second)
    return Scene(world, (world.unit, other), (first, second), (one, two))


async def entries_of(session: AsyncSession, unit_id: int) -> list[ArchiveEntry]:
    stmt = select(ArchiveEntry).where(ArchiveEntry.unit_id == unit_id).order_by(ArchiveEntry.seq)
    return list((await session.execute(stmt)).scalars())


async def run_verify(
    session: AsyncSession, *, unit_id: int | None = None, checkpoint: Checkpoint | None = None
) -> Report:
    conn = await session.connection()

    def run(sync: Connection) -> Report:
        return verify(sync, retention_years=RETENTION_YEARS, unit_id=unit_id, checkpoint=checkpoint)

    return await conn.run_sync(run)


_GUARDED = ("archive_entry", "archive_head", *SOURCES)


async def act_as_dba(session: AsyncSession) -> None:
    """Switch the archive's triggers off inside the test's transaction, as a DBA with the
    schema owner's rights could (rolled back with the test): PostgreSQL disables them,
    SQLite (no DISABLE TRIGGER) drops them."""
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        for table in _GUARDED:
            await conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        return
    listed = ", ".join(f"'{t}'" for t in _GUARDED)
    names = await conn.execute(
        text(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({listed})")
    )
    for (name,) in list(names):
        await conn.execute(text(f"DROP TRIGGER {name}"))


async def sql(session: AsyncSession, statement: str, **params: Any) -> None:
    await (await session.connection()).execute(text(statement), params)
