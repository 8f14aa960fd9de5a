"""``GET /readyz`` (issue 8): may a load balancer send this process traffic?

Ready when the database answers, its schema is at the migrations' head or beyond it (a
gateway newer than its schema would fail on the first new column; one older than it is fine
because every release's migrations are additive, see deploy/README.md "Upgrades"), and, when
OpenSearch is configured, the search cluster answers with a status other than red. Each check
is bounded by a timeout, so a hung dependency makes the probe fail instead of hang.
``/healthz`` is the liveness probe and touches nothing: a database outage must take replicas
out of rotation, not restart them all."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from search.backend import SearchBackend
from search.opensearch import OpenSearchBackend
from store.migrate import current_revision, head_revision, is_known_revision

OK = "ok"


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(value == OK for value in self.checks.values())

    def body(self) -> dict[str, object]:
        failing = sorted(name for name, value in self.checks.items() if value != OK)
        return {
            "status": "ready" if self.ready else "not ready",
            "checks": self.checks,
            **({"failing": failing} if failing else {}),
        }


async def _database(engine: AsyncEngine, checks: dict[str, str]) -> None:
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # readiness reports, it never raises
        checks["database"] = f"error: {type(exc).__name__}"
        checks["migrations"] = "unknown: the database does not answer"
        return
    checks["database"] = OK
    try:
        current, head = await current_revision(engine), head_revision()
    except Exception as exc:
        checks["migrations"] = f"error: {type(exc).__name__}"
        return
    if current == head or (current is not None and not is_known_revision(current)):
        # At this code's head, or ahead of it: a newer release's migrations ran during a
        # rolling upgrade. They are additive (deploy/README.md), so this older code serves on.
        checks["migrations"] = OK
    else:
        checks["migrations"] = f"behind: at {current}, head is {head}"


async def _search(backend: OpenSearchBackend, checks: dict[str, str]) -> None:
    try:
        health = await backend.client.cluster.health()
    except Exception as exc:
        checks["search"] = f"error: {type(exc).__name__}"
        return
    status = health.get("status")
    checks["search"] = OK if status in ("green", "yellow") else f"cluster status {status}"


async def readiness(engine: AsyncEngine, search: SearchBackend | None, seconds: float) -> Readiness:
    checks: dict[str, str] = {}

    async def bounded(name: str, check: Coroutine[Any, Any, None]) -> None:
        try:
            await asyncio.wait_for(check, seconds)
        except TimeoutError:
            checks.setdefault(name, f"error: no answer within {seconds:g}s")

    jobs = [bounded("database", _database(engine, checks))]
    # The embedded FTS5 file is part of this process: only a search server is checked.
    if isinstance(search, OpenSearchBackend):
        jobs.append(bounded("search", _search(search, checks)))
    await asyncio.gather(*jobs)
    checks.setdefault("migrations", "unknown: the database did not answer in time")
    return Readiness(checks)
