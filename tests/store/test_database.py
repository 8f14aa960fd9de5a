"""The engine's pool (store/database.py): a connection the server closed is replaced before
a request uses it, without the three round trips of ``pool_pre_ping`` on every checkout."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.database import create_engine
from tests.conftest import require_postgres


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_the_server_closed_is_replaced_at_checkout() -> None:
    url = require_postgres()
    engine = create_engine(url, pool_size=1)
    other = create_engine(url)  # another pool: the one that terminates
    try:
        for _ in range(2):  # and again after dispose() recreated the pool
            before = await _backend_pid(engine)
            async with other.connect() as conn:
                await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": before})
            await asyncio.sleep(0.2)  # the driver reads the server's goodbye
            assert await _backend_pid(engine) != before  # a fresh connection, no error
            await engine.dispose()
    finally:
        await engine.dispose()
        await other.dispose()


async def test_a_checkout_sends_nothing() -> None:
    engine = create_engine(require_postgres(), pool_size=1)
    sent: list[str] = []
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            driver.add_query_logger(lambda record: sent.append(record.query))
        async with engine.connect() as conn:  # the same pooled connection, checked out again
            assert (await conn.get_raw_connection()).driver_connection is driver
        assert sent == []  # pool_pre_ping would have sent BEGIN, ";" and ROLLBACK
    finally:
        await engine.dispose()
