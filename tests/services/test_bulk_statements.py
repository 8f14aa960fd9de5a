"""Statements per chunk do not grow with the chunk: one lookup per referenced table and one
multi-row INSERT per table and page of 1,000 rows, whatever the number of lines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from services.bulk import Limits
from store.models.insurance_policy import InsurancePolicy
from tests.factories.bulk_lines import ndjson, record_line
from tests.factories.insurance_policy import create_policy
from tests.factories.world import World, build_world
from tests.services.uploading import upload

# Per 1,000-line chunk of records with one hazard and one staff member each: policies,
# agencies and staff looked up (3), records and hazards inserted with every column returned
# (2), staff rows inserted (1), the records' search outbox rows (1, same transaction; they
# cover the hazards too), and the archive chains (R-7.4-archive, store/archive/chain.py):
# no read-back (the INSERTs returned the rows), the chain heads created and locked in one
# upsert (1), then on PostgreSQL the entries inserted and the heads moved in one statement
# (1), on SQLite as an INSERT and an UPDATE (2).
PER_CHUNK = {"postgresql": 9, "sqlite": 10}


@contextmanager
def counting(connection: AsyncConnection) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    target = connection.sync_connection
    assert target is not None
    event.listen(target, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", count)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.fixture
async def policy(session: AsyncSession, world: World) -> InsurancePolicy:
    return await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)


async def test_statements_per_chunk_are_bounded(
    backend: str,
    sessions: async_sessionmaker[AsyncSession],
    connection: AsyncConnection,
    world: World,
    policy: InsurancePolicy,
) -> None:
    line = record_line(world, policy)
    limits = Limits(10**9, chunk_lines=1_000)
    counts = []
    for n in (1_000, 2_000):
        with counting(connection) as statements:
            outcome = await upload(sessions, "service-records", ndjson([line] * n), limits=limits)
        assert outcome.as_dict()["created"] == n
        business = [s for s in statements if "SAVEPOINT" not in s.upper()]
        counts.append(len(business))
    per_chunk = PER_CHUNK[backend]
    assert counts == [per_chunk, 2 * per_chunk], counts
