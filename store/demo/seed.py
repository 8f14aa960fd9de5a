"""``seed()``: fill an empty database with the demo or bench data set, inside the caller's
transaction (``anzexian seed`` opens it with ``engine.begin()`` and commits)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from store.archive.chain import backfill as archive_backfill
from store.demo.generate import generate
from store.demo.scale import SCALES, ScaleName
from store.demo.writer import write
from store.models import Insurer


class DatabaseNotEmptyError(RuntimeError):
    """Seeding adds a whole data set with fixed ids; it never merges into existing data."""


@dataclass(frozen=True, slots=True)
class SeedReport:
    scale: ScaleName
    seed: int
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, in write order
    elapsed_seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.elapsed_seconds if self.elapsed_seconds else 0.0

    def summary(self) -> str:
        """Rows per table, then the totals, as the CLI prints them."""
        lines = [f"{table:24} {count:>12,}" for table, count in self.counts.items()]
        lines.append(
            f"seeded {self.scale} (seed {self.seed}): {self.total_rows:,} rows in "
            f"{self.elapsed_seconds:.1f} s ({self.rows_per_second:,.0f} rows/s)"
        )
        return "\n".join(lines)


async def seed(
    conn: AsyncConnection, *, scale: ScaleName, seed: int, progress: bool = False
) -> SeedReport:
    """Write the data set for (``scale``, ``seed``); the same pair always gives the same rows.

    Raises ``DatabaseNotEmptyError`` if there are insurers already. Does not commit.
    """
    began = time.perf_counter()  # elapsed time only: the data never sees the clock
    # This first statement also opens the transaction the bulk COPY then joins.
    existing = (await conn.execute(select(func.count()).select_from(Insurer))).scalar_one()
    if existing:
        raise DatabaseNotEmptyError(
            f"the database already has {existing} insurer(s): seed only an empty, migrated "
            "database (数据库中已有保险机构数据，只能向空数据库写入演示数据)"
        )
    counts = await write(
        conn, generate(scale, seed), progress=progress, total_units=SCALES[scale].units
    )
    # The bulk COPY bypasses the ORM hook: chain what it wrote, same transaction (R-7.4-archive).
    counts["archive_entry"] = await conn.run_sync(archive_backfill)
    return SeedReport(scale, seed, counts, time.perf_counter() - began)
