"""The figures before suppression, computed in-process over the tests' database with no scope
at all: what the public would see if nothing were left out."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from services.stats import StatsFilterInput, StatsInput, compute_stats
from services.stats_report import StatsGroup
from services.working_days import china_today
from store.database import create_engine, session_factory
from store.enums import RegionLevel
from store.repositories.stats import Dimension


def unsuppressed(
    database: Path,
    group_by: tuple[Dimension, ...],
    *,
    region: str | None = None,
    year: int | None = None,
    level: RegionLevel = RegionLevel.PROVINCE,
) -> tuple[StatsGroup, ...]:
    window = {}
    if year is not None:
        window = {"date_from": date(year, 1, 1), "date_to": date(year + 1, 1, 1)}

    async def compute() -> tuple[StatsGroup, ...]:
        engine = create_engine(f"sqlite+aiosqlite:///{database}")
        try:
            async with session_factory(engine)() as session:
                data = StatsInput(
                    group_by=group_by,
                    region_level=level,
                    filter=StatsFilterInput(region=region, **window),  # type: ignore[arg-type]
                )
                report = await compute_stats(session, data, today=china_today())
                return report.groups
        finally:
            await engine.dispose()

    # A thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, compute()).result()
