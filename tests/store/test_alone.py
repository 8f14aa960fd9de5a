"""Reads sent alone (store/alone.py), on PostgreSQL: the statement SQLAlchemy would send,
without a transaction block, limited in time by the driver, announced to the statement
listeners, and failing with the exception SQLAlchemy would raise."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Float, Integer, String, bindparam, event, func, select
from sqlalchemy.exc import DBAPIError, InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncEngine

from store.alone import AloneReads, send_alone
from store.database import BeginWithSetting, create_engine, session_factory
from tests.conftest import require_postgres


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine(require_postgres())
    try:
        yield engine
    finally:
        await engine.dispose()


async def _by_sqlalchemy(engine: AsyncEngine, statement: Any, values: dict[str, Any]) -> Any:
    async with engine.connect() as connection:
        return (await connection.execute(statement, values)).one()


async def test_each_read_is_a_transaction_of_its_own(engine: AsyncEngine) -> None:
    """No BEGIN: two reads on the same connection get two transaction ids (inside one
    transaction block they would share one)."""
    reads = AloneReads(engine, 5.0)
    statement = select(func.txid_current(), func.pg_backend_pid())
    driver = reads.statement(statement)
    assert driver is not None
    try:
        first = await reads.one(driver, {})
        second = await reads.one(driver, {})
    finally:
        await reads.close()
    assert first[1] == second[1]  # the same connection
    assert first[0] != second[0]


async def test_the_values_go_where_sqlalchemy_puts_them(engine: AsyncEngine) -> None:
    """Request values by name, the statement's own constants, a value given twice, and the
    types' conversions: the same row as SQLAlchemy's execution."""
    statement = select(
        bindparam("a", type_=Integer) + 1,
        func.concat("constant-", bindparam("b", type_=String)),
        bindparam("a", type_=Integer) * bindparam("c", type_=Float),
    )
    values = {"a": 41, "b": "x", "c": 0.5}
    reads = AloneReads(engine, None)
    driver = reads.statement(statement)
    assert driver is not None
    try:
        row = await reads.one(driver, values)
    finally:
        await reads.close()
    assert tuple(row) == tuple(await _by_sqlalchemy(engine, statement, values))
    assert tuple(row) == (42, "constant-x", 20.5)


async def test_the_statement_is_announced_as_sqlalchemy_announces_it(engine: AsyncEngine) -> None:
    sent: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    statement = select(bindparam("a", type_=Integer) + 1)
    await _by_sqlalchemy(engine, statement, {"a": 1})
    reads = AloneReads(engine, None)
    driver = reads.statement(statement)
    assert driver is not None
    try:
        await reads.one(driver, {"a": 1})
    finally:
        await reads.close()
    assert len(sent) == 2 and sent[0] == sent[1]


async def test_a_read_past_the_limit_is_cancelled_and_the_connection_recovers(
    engine: AsyncEngine,
) -> None:
    reads = AloneReads(engine, 0.2)
    slow = reads.statement(select(func.pg_sleep(bindparam("s", type_=Float))))
    assert slow is not None
    try:
        with pytest.raises(TimeoutError):
            await reads.one(slow, {"s": 5})
        # The next statement on the same connection waits for the cancellation, then runs;
        # the limit was the read's only (the driver's default is back).
        fast = reads.statement(select(func.pg_backend_pid()))
        assert fast is not None
        row = await reads.one(fast, {})
        connection = reads._connection
        assert connection is not None
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, BeginWithSetting)
        assert driver._config.command_timeout is None
        assert row[0] == driver.get_server_pid()
    finally:
        await reads.close()
    async with engine.connect() as connection:
        running = await connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' "
            "AND state = 'active' AND pid <> pg_backend_pid()"
        )
        assert running.scalar() == 0


async def test_errors_are_sqlalchemys(engine: AsyncEngine) -> None:
    """A driver error raises what SQLAlchemy raises for it (class and message), so that
    logging and masking see the same thing either way; a missing value is refused in
    SQLAlchemy's words before anything is sent."""
    statement = select(func.sqrt(bindparam("x", type_=Float)))
    with pytest.raises(DBAPIError) as by_sqlalchemy:
        await _by_sqlalchemy(engine, statement, {"x": -1.0})
    reads = AloneReads(engine, None)
    driver = reads.statement(statement)
    assert driver is not None
    try:
        with pytest.raises(DBAPIError) as alone:
            await reads.one(driver, {"x": -1.0})
        assert type(alone.value) is type(by_sqlalchemy.value)
        assert str(alone.value) == str(by_sqlalchemy.value)
        with pytest.raises(InvalidRequestError, match="A value is required for bind parameter"):
            await reads.one(driver, {})
    finally:
        await reads.close()


async def test_a_session_asks_for_them_and_sqlite_never_does(engine: AsyncEngine) -> None:
    session = session_factory(engine)()
    reads = await send_alone(session, engine, 1500)
    assert reads is not None and reads.timeout_seconds == 1.5
    await reads.close()
    await session.close()
    sqlite = create_engine("sqlite+aiosqlite://")
    try:
        assert await send_alone(session_factory(sqlite)(), sqlite, 1500) is None
    finally:
        await sqlite.dispose()
