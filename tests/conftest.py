"""Fixtures shared by the whole suite: one migrated database per backend, a rolled-back
transaction per test (EXAMPLES #10).

Every test that takes ``session`` or ``uow`` runs twice, on SQLite and on PostgreSQL. The
PostgreSQL URL comes from ``ANZEXIAN_TEST_PG_URL`` (``make test`` starts the server and sets
it). Outside CI a missing server skips those runs and says so; in CI (``CI=true``) it fails.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from store.database import create_engine
from store.migrate import upgrade
from store.uow import UnitOfWork
from tests.seeded import demo, seeded

__all__ = ["demo", "seeded"]  # fixtures over the seeded demo data, shared by several folders

BACKENDS = ["sqlite", "postgresql"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pg_url() -> str | None:
    return os.environ.get("ANZEXIAN_TEST_PG_URL") or None


def require_postgres() -> str:
    """The test PostgreSQL URL, or fail (CI) / skip (elsewhere) when there is none."""
    url = pg_url()
    if url is None:
        message = "ANZEXIAN_TEST_PG_URL is not set: run the suite through `make test`"
        if IN_CI:
            pytest.fail(message + " (CI never skips PostgreSQL tests)")
        pytest.skip(message)
    return url


async def _reset_postgres(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session", params=BACKENDS)
async def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AsyncEngine]:
    """A freshly migrated database for the whole session, per backend."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "test.db"
        eng = create_engine(f"sqlite+aiosqlite:///{path}")
    else:
        try:
            eng = create_engine(require_postgres())
            await _reset_postgres(eng)
        except OSError as exc:  # nothing answers
            if IN_CI:
                pytest.fail(f"PostgreSQL unreachable in CI: {exc}")
            pytest.skip(f"PostgreSQL unreachable: {exc}")
    await upgrade(eng)
    yield eng
    await eng.dispose()


@pytest.fixture
def backend(engine: AsyncEngine) -> str:
    return engine.dialect.name


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection per test inside a transaction that is rolled back at the end."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            yield conn
        finally:
            await outer.rollback()


@pytest.fixture
def sessions(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    # Each session's commit/rollback becomes a SAVEPOINT inside the test's transaction.
    return async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as s:
        yield s


@pytest.fixture
def uow(sessions: async_sessionmaker[AsyncSession]) -> Callable[[], UnitOfWork]:
    """``async with uow() as work:`` — a unit of work inside the test transaction."""
    return lambda: UnitOfWork(sessions)
