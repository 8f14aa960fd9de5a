"""Reads sent alone (PostgreSQL): a cached read statement handed straight to asyncpg, on a
connection of the engine's pool, outside any transaction block — the fast path's one read
(resolvers/fast_path.py, issue 3's point lookup).

Why: around one compiled SELECT, a point lookup spent about half of its database time in
SQLAlchemy and the round trips it adds (py-spy of the served gateway, bench/RESULTS.md):
the Session's transaction bookkeeping, the per-execution cache-key walk of a large
statement, the execution context and parameter processing, the result wrapping, and BEGIN
and COMMIT — three round trips where the read needs one. Measured in process, one read
through a Session costs 0.21 ms of CPU, through a pooled connection and asyncpg 0.10 ms
(asyncpg's own pool: 0.10 ms).

The answer is the same. PostgreSQL runs a statement sent alone as a transaction of its own,
and under READ COMMITTED a statement sees the same snapshot inside a transaction block as
outside one; a read writes nothing to commit. The statement is the one SQLAlchemy would
send — compiled once per cached statement (plans.py) with the engine's dialect, its values
placed and converted as SQLAlchemy places and converts them — and what SQLAlchemy does
around a statement that others rely on is kept: the pool (its size, its check at checkout),
the ``before_cursor_execute`` event (the request's statement count, tests that record
statements), and for a driver error the very exception SQLAlchemy would raise, the
connection invalidated if it died.

``SET LOCAL statement_timeout`` needs a transaction block, so the time limit is the
driver's (store/database.BeginWithSetting.limit_commands): past it, PostgreSQL is asked to
cancel the statement and the caller gets ``ReadTimedOut`` (answered STATEMENT_TIMEOUT,
resolvers/limits/timeout.py).

Only statements of the plan cache come here, and only those SQLAlchemy sends unchanged
(no IN list it expands per request); anything else keeps the Session's path.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, NoResultFound
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

from store.database import BeginWithSetting

# A SELECT of any columns (SQLAlchemy 2.1 types a Select by its columns' types).
AnySelect = Select[*tuple[Any, ...]]

# Where a request's session carries its reads sent alone (``Session.info``: per session).
_INFO_KEY = "anzexian.alone"


_REQUIRED = object()  # a parameter the request must give (no value of the statement's own)


class ReadTimedOut(TimeoutError):
    """A read sent alone ran past its limit and PostgreSQL was asked to cancel it (the
    request answers STATEMENT_TIMEOUT, resolvers/limits/timeout.py). Its own class, so that
    no other timeout a request may meet is taken for the statement's."""

    def __init__(self, seconds: float | None) -> None:
        super().__init__(f"a statement sent alone ran past {seconds} s and was cancelled")


@dataclass(frozen=True, slots=True)
class _Position:
    """What goes into one ``$n``: the request's value under ``key`` (or the compiled
    ``name``), else the statement's own value, already converted; ``convert``: the type's
    conversion of a request's value."""

    key: str
    name: str
    convert: Callable[[Any], Any] | None
    constant: Any


@dataclass(frozen=True, slots=True)
class DriverStatement:
    """A statement as SQLAlchemy sends it to asyncpg: its text with ``$n`` parameters, and
    how a request's values become the ``$n`` arguments — as SQLCompiler.construct_params
    and DefaultExecutionContext make them (a value given by the request wins over the
    statement's own, then the type's conversion), worked out once per statement."""

    sql: str
    compiled: SQLCompiler
    positions: tuple[_Position, ...]

    def arguments(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        arguments: list[Any] = []
        for position in self.positions:
            if position.key in values:
                value = values[position.key]
            elif position.name in values:
                value = values[position.name]
            elif position.constant is _REQUIRED:
                # SQLAlchemy's own refusal ("A value is required for bind parameter …").
                self.compiled.construct_params(dict(values), escape_names=False)
                raise AssertionError("construct_params accepted a missing value")
            else:
                arguments.append(position.constant)
                continue
            convert = position.convert
            arguments.append(value if convert is None else convert(value))
        return tuple(arguments)


def _compile(statement: AnySelect, dialect: Dialect) -> DriverStatement | None:
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None  # SQL that SQLAlchemy rewrites per request (an expanding IN)
    if not compiled.positional or compiled.positiontup is None:
        return None
    positions = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        if bind.callable is not None:
            return None  # a value computed at execution: SQLAlchemy's path
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if bind.required:
            constant = _REQUIRED
        else:
            constant = bind.value if convert is None else convert(bind.value)
        positions.append(_Position(bind.key, name, convert, constant))
    return DriverStatement(compiled.string, compiled, tuple(positions))


class DriverStatements:
    """Compiled forms of the plan cache's statements, bounded as it is (LRU); keyed by the
    statement object itself, which the plan cache keeps and reuses."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._compiled: OrderedDict[AnySelect, DriverStatement | None] = OrderedDict()

    def of(self, statement: AnySelect, dialect: Dialect) -> DriverStatement | None:
        if statement in self._compiled:
            self._compiled.move_to_end(statement)
            return self._compiled[statement]
        compiled = _compile(statement, dialect)
        self._compiled[statement] = compiled
        if len(self._compiled) > self.size:
            self._compiled.popitem(last=False)
        return compiled


STATEMENTS = DriverStatements()


class AloneReads:
    """One request's reads sent alone: a pooled connection, given back by ``close``; each
    statement limited to ``timeout_seconds`` (None: none)."""

    def __init__(self, engine: AsyncEngine, timeout_seconds: float | None) -> None:
        self.engine = engine
        self.timeout_seconds = timeout_seconds
        self._connection: AsyncConnection | None = None

    def statement(self, statement: AnySelect) -> DriverStatement | None:
        """The statement as the driver takes it, or None: it keeps the Session's path."""
        return STATEMENTS.of(statement, self.engine.dialect)

    async def connect(self) -> None:
        if self._connection is None:
            self._connection = await self.engine.connect()

    async def one(self, statement: DriverStatement, values: Mapping[str, Any]) -> Any:
        """The statement's one row (as ``Result.one()``)."""
        arguments = statement.arguments(values)
        await self.connect()
        connection = self._connection
        assert connection is not None
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, BeginWithSetting)  # store.database.create_engine's
        sync = connection.sync_connection
        assert sync is not None
        # As SQLAlchemy announces every statement it sends (the request's count, tests).
        sync.dispatch.before_cursor_execute(sync, None, statement.sql, arguments, None, False)
        driver.limit_commands(self.timeout_seconds)
        try:
            row = await driver.fetchrow(statement.sql, *arguments)
        except TimeoutError as error:
            raise ReadTimedOut(self.timeout_seconds) from error
        except Exception as error:
            raise await self._as_sqlalchemy(error, statement, arguments) from error
        finally:
            driver.limit_commands(None)
        if row is None:
            raise NoResultFound("No row was found when one was required")
        return row

    async def _as_sqlalchemy(
        self, error: Exception, statement: DriverStatement, arguments: tuple[Any, ...]
    ) -> BaseException:
        """The exception SQLAlchemy raises for this driver error: its adapter's DB-API
        translation, wrapped as Connection._handle_dbapi_exception wraps it; a connection
        the error shows dead is invalidated (not given back to the pool)."""
        connection = self._connection
        assert connection is not None
        raw = await connection.get_raw_connection()
        adapter: Any = raw.dbapi_connection
        dialect = self.engine.dialect
        dbapi: Any = dialect.loaded_dbapi  # SQLAlchemy's DB-API face of asyncpg
        try:
            adapter._handle_exception(error)  # raises the DB-API error for the driver's
        except dbapi.Error as translated:
            dead = dialect.is_disconnect(translated, adapter, None)
            if dead:
                await connection.invalidate()
            wrapped: BaseException = DBAPIError.instance(
                statement.sql,
                arguments,
                translated,
                dbapi.Error,
                connection_invalidated=dead,
                dialect=dialect,
                ismulti=False,  # one set of parameters: shown whole, as SQLAlchemy shows it
            )
            return wrapped
        except Exception as other:  # not the driver's: as it is
            return other
        return error

    async def close(self) -> None:
        """Give the connection back (no transaction to end: nothing was begun)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()


async def send_alone(
    session: AsyncSession, engine: AsyncEngine, timeout_milliseconds: int
) -> AloneReads | None:
    """Let the repositories send this session's cached reads alone, on a connection of
    ``engine`` (the session's) taken now — PostgreSQL; None elsewhere: SQLite's reads are
    in-process, there is no round trip to save. Raises if no connection can be had, and
    then leaves the session as it was. The caller closes what it gets when the request
    ends."""
    if engine.dialect.name != "postgresql":
        return None
    seconds = timeout_milliseconds / 1000 if timeout_milliseconds > 0 else None
    reads = AloneReads(engine, seconds)
    await reads.connect()
    session.info[_INFO_KEY] = reads
    return reads


def alone_reads(session: AsyncSession) -> AloneReads | None:
    """The session's reads sent alone, if its request asked for them (``send_alone``)."""
    reads = session.info.get(_INFO_KEY)
    return reads if isinstance(reads, AloneReads) else None
