"""Bulk upload throughput on PostgreSQL: the service layer vs raw inserts of the same rows.

    .venv/bin/python bench/bulk_upload.py [--lines 10000] [--rounds 5] [--database-url URL]

Default database: ``deploy/postgres.sh database anzexian_bench_bulk``, a database of its own:
its schema is dropped and migrated afresh, and the three tables written are emptied before
every run. Each round runs every system once,
in a rotating order, on empty tables; the figure is the median over rounds of the per-round
ratio to raw ``executemany`` (the machines are noisy). Systems:

- ``service``: ``services.bulk.ingest`` from the NDJSON bytes (64 KiB chunks, 1,000-line
  chunks): parse, validate, batched reference lookups, insertmanyvalues, commit.
- ``core``: SQLAlchemy Core ``insert(table)`` executemany (insertmanyvalues, RETURNING ids)
  of the already validated rows: the SQL part of ``service`` without the line handling.
- ``executemany``: asyncpg ``executemany`` of prepared tuples, record ids drawn first from the
  sequence (``nextval`` over ``generate_series``) so hazards and staff can name them.
- ``copy``: asyncpg binary COPY of the same tuples with the same pre-drawn ids.

Every line is one completed record with one hazard and one staff member (3 rows per line).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine  # noqa: E402

from services.bulk import KINDS, Limits, Uploader, UploadPermit, ingest  # noqa: E402
from store.base import Base  # noqa: E402
from store.database import create_engine, session_factory  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from tests.factories.insurance_policy import create_policy  # noqa: E402
from tests.factories.world import World, build_world  # noqa: E402

RECORD_COLUMNS = [
    *("insurer_id", "unit_id", "policy_id", "category", "status", "planned_on", "started_at"),
    *("completed_at", "place", "agency_id", "responsible_party", "content", "created_at"),
]
HAZARD_COLUMNS = ("service_record_id", "description", "is_major", "found_at", "told_at")
STAFF_COLUMNS = ("service_record_id", "staff_id")
STARTED = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
FOUND = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
TOLD = datetime(2024, 3, 1, 2, 30, tzinfo=UTC)
COMPLETED = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
Ids = tuple[int, int, int, int, int]  # insurer, unit, policy, agency, staff


def _line(ids: Ids, n: int) -> dict[str, Any]:
    insurer, unit, policy, agency, staff = ids
    return {
        "insurerId": f"Insurer:{insurer}",
        "unitId": f"InsuredUnit:{unit}",
        "policyId": f"InsurancePolicy:{policy}",
        "category": "HAZARD_INVESTIGATION",
        "plannedOn": "2024-03-01",
        "place": f"深圳市南山区科技园{n}号厂区",
        "content": "储罐区、装卸区隐患排查，检查可燃气体报警器与消防设施",
        "responsibleParty": "INSURER",
        "agencyId": f"Agency:{agency}",
        "startedAt": STARTED.isoformat(),
        "completedAt": COMPLETED.isoformat(),
        "staffIds": [f"StaffMember:{staff}"],
        "hazards": [
            {
                "description": "储罐区可燃气体报警器失效",
                "isMajor": True,
                "foundAt": FOUND.isoformat(),
                "toldAt": TOLD.isoformat(),
            }
        ],
    }


def _record_tuple(ids: Ids, n: int, at: datetime) -> tuple[Any, ...]:
    insurer, unit, policy, agency, _ = ids
    return (
        insurer,
        unit,
        policy,
        "hazard_investigation",
        "completed",
        STARTED.date(),
        STARTED,
        COMPLETED,
        f"深圳市南山区科技园{n}号厂区",
        agency,
        "insurer",
        "储罐区、装卸区隐患排查，检查可燃气体报警器与消防设施",
        at,
    )


async def _body(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 65_536):
        yield data[start : start + 65_536]


async def run_service(engine: AsyncEngine, ids: Ids, lines: int) -> float:
    data = b"".join(
        json.dumps(_line(ids, n), ensure_ascii=False).encode() + b"\n" for n in range(lines)
    )
    started = time.perf_counter()
    async with session_factory(engine)() as session:
        outcome = await ingest(
            session,
            KINDS["service-records"],
            Uploader("bench", UploadPermit(insurer_ids=None)),
            _body(data),
            limits=Limits(max_body_bytes=1 << 30),
        )
        assert outcome.accepted and outcome.tally.created == lines, outcome.as_dict()
        await session.commit()
    return time.perf_counter() - started


async def run_core(engine: AsyncEngine, ids: Ids, lines: int) -> float:
    at = datetime.now(UTC)
    records = [
        dict(zip(RECORD_COLUMNS, _record_tuple(ids, n, at), strict=True)) for n in range(lines)
    ]
    tables = Base.metadata.tables
    started = time.perf_counter()
    async with engine.begin() as conn:
        table = tables["service_record"]
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        new = list((await conn.execute(stmt, records)).scalars())
        hazards = [
            dict(
                zip(HAZARD_COLUMNS, (i, "储罐区可燃气体报警器失效", True, FOUND, TOLD), strict=True)
            )
            for i in new
        ]
        await conn.execute(insert(tables["hazard"]), hazards)
        staff = [{"service_record_id": i, "staff_id": ids[4]} for i in new]
        await conn.execute(insert(tables["service_record_staff"]), staff)
    return time.perf_counter() - started


async def _raw(engine: AsyncEngine, ids: Ids, lines: int, *, copy: bool) -> float:
    at = datetime.now(UTC)
    records = [_record_tuple(ids, n, at) for n in range(lines)]
    started = time.perf_counter()
    async with engine.begin() as conn:
        driver: Any = (await conn.get_raw_connection()).driver_connection
        new = [
            r[0]
            for r in await driver.fetch(
                "SELECT nextval(pg_get_serial_sequence('service_record', 'id')) "
                "FROM generate_series(1, $1)",
                lines,
            )
        ]
        rows = [(i, *r) for i, r in zip(new, records, strict=True)]
        hazards = [(i, "储罐区可燃气体报警器失效", True, FOUND, TOLD) for i in new]
        staff = [(i, ids[4]) for i in new]
        if copy:
            await driver.copy_records_to_table(
                "service_record", records=rows, columns=["id", *RECORD_COLUMNS]
            )
            await driver.copy_records_to_table(
                "hazard", records=hazards, columns=list(HAZARD_COLUMNS)
            )
            await driver.copy_records_to_table(
                "service_record_staff", records=staff, columns=list(STAFF_COLUMNS)
            )
        else:
            await driver.executemany(_insert_sql("service_record", ["id", *RECORD_COLUMNS]), rows)
            await driver.executemany(_insert_sql("hazard", HAZARD_COLUMNS), hazards)
            await driver.executemany(_insert_sql("service_record_staff", STAFF_COLUMNS), staff)
    return time.perf_counter() - started


def _insert_sql(table: str, columns: Any) -> str:
    marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


async def run_executemany(engine: AsyncEngine, ids: Ids, lines: int) -> float:
    return await _raw(engine, ids, lines, copy=False)


async def run_copy(engine: AsyncEngine, ids: Ids, lines: int) -> float:
    return await _raw(engine, ids, lines, copy=True)


SYSTEMS: dict[str, Callable[[AsyncEngine, Ids, int], Awaitable[float]]] = {
    "service": run_service,
    "core": run_core,
    "executemany": run_executemany,
    "copy": run_copy,
}


async def _empty(conn: AsyncConnection) -> None:
    await conn.execute(text("TRUNCATE service_record_staff, hazard, service_record CASCADE"))


async def _world(engine: AsyncEngine) -> Ids:
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(engine)
    async with session_factory(engine)() as session, session.begin():
        world: World = await build_world(session)
        policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
        return (world.insurer.id, world.unit.id, policy.id, world.agency.id, world.staff.id)


async def main(url: str, lines: int, rounds: int) -> None:
    engine = create_engine(url)
    ids = await _world(engine)
    names = list(SYSTEMS)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]  # rotate who goes first
        for name in order:
            async with engine.begin() as conn:
                await _empty(conn)
            seconds[name].append(await SYSTEMS[name](engine, ids, lines))
    await engine.dispose()
    where = url.split("@")[-1]
    print(f"{lines:,} records (+1 hazard, +1 staff row each), {rounds} rounds, {where}")
    print(f"{'system':<12} {'median s':>9} {'records/s':>10} {'rows/s':>10} {'vs executemany':>15}")
    for name in names:
        median = statistics.median(seconds[name])
        ratio = statistics.median(
            base / own for own, base in zip(seconds[name], seconds["executemany"], strict=True)
        )
        print(
            f"{name:<12} {median:>9.3f} {lines / median:>10,.0f} {3 * lines / median:>10,.0f} "
            f"{ratio:>14.2f}x"
        )


def _default_url() -> str:
    script = ROOT / "deploy" / "postgres.sh"
    done = subprocess.run(
        [str(script), "database", "anzexian_bench_bulk"], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.database_url or _default_url(), args.lines, args.rounds))
