"""One request through the gateway app in this process, with every SQL statement recorded.

The HTTP server under load runs in another process, where statements cannot be seen without
``pg_stat_statements`` (a ``shared_preload_libraries`` restart of the shared test cluster).
So statements per request are counted here: the same ``create_app`` and settings, driven by
``httpx.ASGITransport``, with a ``before_cursor_execute`` listener on the app's engine. It sees
every statement SQLAlchemy sends; it does not see the driver's own round trips (BEGIN and
COMMIT, and the ``pool_pre_ping`` probe when the engine has one), which ``round_trips``
estimates from the transactions and checkouts it sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class Recorded:
    statements: list[tuple[str, Any]] = field(default_factory=list)
    transactions: int = 0  # BEGIN ... COMMIT/ROLLBACK blocks SQLAlchemy opened
    checkouts: int = 0  # pool checkouts: each one pings first (pool_pre_ping)

    def clear(self) -> None:
        self.statements.clear()
        self.transactions = self.checkouts = 0

    def on_statement(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        self.statements.append((statement, params))

    def on_begin(self, *_: Any) -> None:
        self.transactions += 1

    def on_checkout(self, *_: Any) -> None:
        self.checkouts += 1


@dataclass(frozen=True, slots=True)
class Captured:
    status: int
    body: bytes
    statements: tuple[tuple[str, Any], ...]
    transactions: int
    checkouts: int
    pre_ping: bool  # the engine probes each checkout (store/database.py no longer does)

    @property
    def round_trips(self) -> int:
        """Estimated round trips to PostgreSQL: each statement (prepared statements cached),
        BEGIN and COMMIT of each transaction, and the pre-ping of each checkout when the
        engine has one, which asyncpg sends as BEGIN, an empty query and ROLLBACK."""
        probes = 3 * self.checkouts if self.pre_ping else 0
        return len(self.statements) + 2 * self.transactions + probes


class InProcessGateway:
    """The gateway's Starlette app, called without a socket."""

    def __init__(self, database_url: str) -> None:
        from server.app import create_app
        from server.settings import Settings

        settings = Settings(
            database_url=database_url,
            environment="production",
            graphiql=False,
            log_level="warning",
        )
        self.app = create_app(settings)
        self.engine: AsyncEngine = self.app.state.engine
        self.recorded = Recorded()
        sync_engine = self.engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", self.recorded.on_statement)
        event.listen(sync_engine, "begin", self.recorded.on_begin)
        event.listen(sync_engine.pool, "checkout", self.recorded.on_checkout)
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://gateway", timeout=600
        )

    async def request(
        self, path: str, body: bytes, headers: dict[str, str], *, warm: bool = True
    ) -> Captured:
        """``warm``: send it once first, so one-off work (the principal's first lookup, the
        schema's first parse) is not counted as the steady state."""
        if warm:
            await self.client.post(path, content=body, headers=headers)
        self.recorded.clear()
        response = await self.client.post(path, content=body, headers=headers)
        r = self.recorded
        pre_ping = bool(getattr(self.engine.sync_engine.pool, "_pre_ping", False))
        return Captured(
            response.status_code,
            response.content,
            tuple(r.statements),
            r.transactions,
            r.checkouts,
            pre_ping,
        )

    async def close(self) -> None:
        await self.client.aclose()
        await self.engine.dispose()


async def explain(
    engine: AsyncEngine, statement: str, params: Any, settings: dict[str, str] | None = None
) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a recorded asyncpg statement, with its parameters, under
    ``settings`` (``SET LOCAL``, e.g. ``{"jit": "off"}``) when given."""
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        args = list(params) if isinstance(params, tuple | list) else []
        async with driver.transaction():
            for name, value in (settings or {}).items():
                await driver.execute(f"SET LOCAL {name} = {value}")
            rows = await driver.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *args)
    return "\n".join(r[0] for r in rows)
