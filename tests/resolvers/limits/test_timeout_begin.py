"""The statement timeout sent with the transaction's BEGIN (resolvers/limits/timeout.arm,
store/database.BeginWithSetting): no statement of its own, in force for the transaction's
statements, gone with the transaction, and never left for the pooled connection's next user.
test_timeout.py covers the path of a transaction already begun (its sessions join the test's
outer transaction)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from resolvers.limits.timeout import QUERY_CANCELED, arm
from store.database import BeginWithSetting, create_engine
from tests.conftest import require_postgres


@pytest.fixture
async def conn() -> AsyncIterator[AsyncConnection]:
    """A connection of the server's engine (PostgreSQL only: SQLite has no statement
    timeout, and test_timeout.py checks that nothing is set there)."""
    engine = create_engine(require_postgres())
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


async def _show(session: AsyncSession) -> str:
    return str((await session.execute(text("SHOW statement_timeout"))).scalar())


async def test_the_timeout_rides_on_begin(conn: AsyncConnection) -> None:
    sent: list[str] = []
    event.listen(conn.sync_connection, "before_cursor_execute", lambda *a: sent.append(a[2]))
    default = str((await conn.exec_driver_sql("SHOW statement_timeout")).scalar())
    await conn.commit()
    sent.clear()
    async with AsyncSession(bind=conn) as session:
        armed = await arm(session, 1500)
        assert armed is not None
        assert await _show(session) == "1500ms"
        assert sent == ["SHOW statement_timeout"]  # no set_config statement of its own
        armed.disarm()
        await session.commit()
    # SET LOCAL: the next transaction on the same connection has the default again.
    assert str((await conn.exec_driver_sql("SHOW statement_timeout")).scalar()) == default
    await conn.commit()


async def test_a_statement_past_the_timeout_is_cancelled(conn: AsyncConnection) -> None:
    async with AsyncSession(bind=conn) as session:
        armed = await arm(session, 50)
        assert armed is not None
        with pytest.raises(DBAPIError) as raised:
            await session.execute(text("SELECT pg_sleep(2)"))
        assert getattr(raised.value.orig, "sqlstate", None) == QUERY_CANCELED
        armed.disarm()
        await session.rollback()


async def test_an_unused_timeout_is_not_inherited(conn: AsyncConnection) -> None:
    """A request that armed the timeout and sent nothing (refused before its read) leaves
    the connection as it found it."""
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, BeginWithSetting)
    async with AsyncSession(bind=conn) as session:
        armed = await arm(session, 1500)
        assert armed is not None
        assert driver.with_begin is not None  # waiting for the BEGIN
        armed.disarm()
        assert driver.with_begin is None
        await session.rollback()
    default = str((await conn.exec_driver_sql("SHOW statement_timeout")).scalar())
    assert default != "1500ms"
    await conn.commit()


async def test_zero_arms_nothing(conn: AsyncConnection) -> None:
    async with AsyncSession(bind=conn) as session:
        assert await arm(session, 0) is None
