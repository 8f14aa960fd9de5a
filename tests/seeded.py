"""A demo data set seeded once per module and backend, inside a transaction rolled back at the
end: the rule checks only read, so they share it (seeding per test would cost seconds each).

A module that uses it must not write on another connection: the seed's uncommitted rows hold
their keys, and an insert of the same region or industry elsewhere would wait for them forever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from store.demo.seed import seed

DEMO_SEED = 20260630


@pytest.fixture(scope="module")
async def seeded(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            await seed(conn, scale="demo", seed=DEMO_SEED)
            if conn.dialect.name == "postgresql":
                # The rows are uncommitted, so autovacuum never samples them: without fresh
                # statistics the planner takes the tables for empty and picks nested loops
                # that made a stats query run for minutes on a loaded machine.
                await conn.execute(text("ANALYZE"))
            yield conn
        finally:
            await outer.rollback()


@pytest.fixture
async def demo(seeded: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """A session over the module's seeded demo data (read-only tests)."""
    async with AsyncSession(bind=seeded, join_transaction_mode="create_savepoint") as session:
        yield session
