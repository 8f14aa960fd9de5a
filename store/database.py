"""Engine and session factory for the two backends: SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 module's own transaction handling defers BEGIN and breaks SAVEPOINT;
    # hand transactions to SQLAlchemy instead (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    # Foreign keys are off by default in SQLite; WAL lets the indexer read while we write.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# The execution option that makes a SQLite transaction begin IMMEDIATE (see begin_write).
SQLITE_BEGIN = "anzexian_sqlite_begin"
IMMEDIATE = "IMMEDIATE"


def _sqlite_begin(connection: Any) -> None:
    # Reads begin DEFERRED: they take no lock, so they never wait on a writer (WAL). A
    # transaction that will write says so up front (begin_write) and takes the write lock now.
    if connection.get_execution_options().get(SQLITE_BEGIN) == IMMEDIATE:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


async def begin_write(session: AsyncSession) -> None:
    """Begin ``session``'s transaction as one that will write, before its first statement.

    On SQLite a DEFERRED transaction reads from a snapshot; when another connection commits
    after that first read (the in-process search indexer settling its outbox rows, another
    request's mutation), SQLite refuses the transaction's first write at once with "database
    is locked" (SQLITE_BUSY_SNAPSHOT): its snapshot is stale and the busy timeout does not
    apply. ``BEGIN IMMEDIATE`` takes the write lock first, waiting for it under the busy
    timeout like any writer, so the reads that follow see the latest data and the writes
    cannot be refused. Only transactions that write use it (mutations, bulk uploads, the
    CLI's writes): read-only requests stay DEFERRED and lock-free, and a test holding a read
    open beside a request cannot make it wait (taking the lock for every transaction was
    tried and hung the suite, commit 1ec5dad). PostgreSQL needs nothing: the session simply
    begins now.

    A session already in a transaction (a test's outer one) is left as it is."""
    if session.in_transaction():
        return
    if session.get_bind().dialect.name == "sqlite":
        await session.connection(execution_options={SQLITE_BEGIN: IMMEDIATE})
    else:
        await session.connection()


def _alive(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled connection the server closed (a restart, pg_terminate_backend, an idle
    timeout) is replaced before use: the pool retries checkout on DisconnectionError.

    This replaces ``pool_pre_ping``, whose probe costs three round trips per checkout with
    asyncpg (BEGIN, an empty query, ROLLBACK: bench/RESULTS.md) on every request. The driver
    learns of a closed socket on its own, so asking it costs nothing; what neither notices is a
    peer that vanished without closing (the probe would hang on that as the query does). Behind
    a pooler such as PgBouncer a restarted server leaves our socket open: the first statement
    on such a connection then fails, and SQLAlchemy invalidates it."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


class BeginWithSetting(asyncpg.Connection):  # type: ignore[misc]
    """asyncpg's connection, able to send a transaction-local setting in the same message as
    the transaction's BEGIN: one round trip instead of two (bench/RESULTS.md); and to limit
    the time of a statement sent without a transaction (``limit_commands``).

    The GraphQL request's statement timeout (resolvers/limits/timeout.py) is ``SET LOCAL``:
    it needs the transaction, and sent as a statement of its own it cost a round trip on
    every request. SQLAlchemy's asyncpg adapter begins the transaction lazily, by an
    argument-less ``execute("BEGIN...;")`` just before the first statement; a pending
    setting is appended to that text (the simple query protocol runs both, in order, in one
    message). Pending only until the next BEGIN, and cleared by whoever set it when the
    request ends, so no other user of the pooled connection inherits it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.with_begin: str | None = None
        self._default_config: Any = self._config  # asyncpg's ConnectionConfiguration

    def limit_commands(self, seconds: float | None) -> None:
        """The driver's own time limit on each command from now on; ``None``: back to the
        connection's default (none unless ``command_timeout`` was given when connecting).

        For a statement sent outside a transaction block, where ``SET LOCAL`` has nothing
        to hold on to (store/alone.py): asyncpg sends PostgreSQL a cancel request for a
        command running past the limit — the server stops it as it stops one past
        ``statement_timeout`` —, raises ``TimeoutError``, and makes the connection's next
        command wait until the cancellation is done. asyncpg reads the limit from the
        connection's configuration on every command (``_config``, a named tuple it never
        changes after connecting), so replacing the tuple is the whole switch."""
        default = self._default_config
        self._config = default if seconds is None else default._replace(command_timeout=seconds)

    async def execute(
        self,
        query: str,
        *args: Any,
        timeout: float | None = None,  # noqa: ASYNC109 - asyncpg's own signature
    ) -> str:
        pending = self.with_begin
        if pending is not None and not args and query.startswith("BEGIN"):
            self.with_begin = None
            query = f"{query} {pending};"
        status: str = await super().execute(query, *args, timeout=timeout)
        return status


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(url, echo=echo)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        # Most recently used first: under light load requests keep to the connections (and
        # PostgreSQL backends) that are warm, instead of cycling through every connection a
        # burst opened (FIFO; a point lookup took 0.1 ms longer after a burst of 16 clients,
        # bench/RESULTS.md); the idle rest can then be closed by the server's timeouts.
        # asyncpg's own pool works the same way.
        pool_use_lifo=True,
        connect_args={"connection_class": BeginWithSetting},
    )
    event.listen(engine.sync_engine, "checkout", _alive)  # its pool, and any it recreates
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects returned by a service stay readable after the commit.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
