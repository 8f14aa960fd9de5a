"""Operation (7): a bulk upload of 1,000 service records, against raw asyncpg inserts.

Everything here runs against a scratch database of its own (``anzexian_bench_upload``:
created, migrated with ``anzexian migrate`` and seeded with ``anzexian seed --scale demo``),
never the bench data set. Each line is one completed hazard investigation with one major
hazard and one staff member, for the demo insurer PICC (3 rows written per line).

- gateway: ``POST /bulk/service-records`` with the NDJSON body and PICC's insurer token.
- executemany: asyncpg ``executemany`` of the same rows (ids drawn from the sequence first,
  so hazards and staff can name their record), one transaction.
- copy: asyncpg binary ``COPY`` of the same tuples, one transaction.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
SCRATCH_DB = "anzexian_bench_upload"
LINES = 1_000
RECORD_COLUMNS = (
    *("id", "insurer_id", "unit_id", "policy_id", "category", "status", "planned_on"),
    *("started_at", "completed_at", "place", "agency_id", "responsible_party", "content"),
    "created_at",
)
HAZARD_COLUMNS = ("service_record_id", "description", "is_major", "found_at", "told_at")
STAFF_COLUMNS = ("service_record_id", "staff_id")
CONTENT = "储罐区、装卸区隐患排查，检查可燃气体报警器与消防设施"
HAZARD = "储罐区可燃气体报警器失效"


@dataclass(frozen=True, slots=True)
class Refs:
    """Rows of the scratch database the uploaded lines point at (all PICC's)."""

    insurer: int
    unit: int
    policy: int
    agency: int
    staff: int
    day: date  # inside the policy's period


def scratch_url() -> str:
    """Create the scratch database if missing (``deploy/postgres.sh database``), migrate it
    and seed the demo data set when it is empty; its SQLAlchemy URL."""
    done = subprocess.run(
        [str(ROOT / "deploy" / "postgres.sh"), "database", SCRATCH_DB],
        check=True,
        capture_output=True,
        text=True,
    )
    url = done.stdout.strip()
    # The CLI of the tree under test (not whatever `anzexian` the virtualenv points at).
    cli = [sys.executable, "-c", "from server.cli import app; app()"]
    subprocess.run([*cli, "migrate", "--database-url", url], cwd=ROOT, check=True)
    seeded = subprocess.run(
        [*cli, "seed", "--scale", "demo", "--no-progress", "--database-url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if seeded.returncode != 0 and "already has" not in (seeded.stdout + seeded.stderr):
        raise RuntimeError(f"seeding {SCRATCH_DB} failed: {seeded.stderr or seeded.stdout}")
    return url


def plain(url: str) -> str:
    return url.replace("+asyncpg", "")


async def find_refs(url: str) -> Refs:
    conn = await asyncpg.connect(plain(url))
    try:
        row = await conn.fetchrow(
            """
            SELECT i.id AS insurer, p.unit_id AS unit, p.id AS policy, p.period_start,
                   (SELECT a.id FROM agency a WHERE a.status = 'active' ORDER BY a.id LIMIT 1)
                     AS agency,
                   (SELECT s.id FROM staff_member s WHERE s.insurer_id = i.id AND s.active
                    ORDER BY s.id LIMIT 1) AS staff
            FROM insurer i JOIN insurance_policy p ON p.insurer_id = i.id
            WHERE i.code = 'PICC' AND p.period_end - p.period_start >= 60
            ORDER BY p.id LIMIT 1
            """
        )
    finally:
        await conn.close()
    assert row is not None, "the scratch database has no PICC policy"
    day = date.fromordinal(row["period_start"].toordinal() + 30)
    return Refs(row["insurer"], row["unit"], row["policy"], row["agency"], row["staff"], day)


def _instant(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def ndjson(refs: Refs, lines: int = LINES) -> bytes:
    started, found = _instant(refs.day, 1), _instant(refs.day, 2)
    told, completed = _instant(refs.day, 3), _instant(refs.day, 8)
    out = []
    for n in range(lines):
        line = {
            "insurerId": f"Insurer:{refs.insurer}",
            "unitId": f"InsuredUnit:{refs.unit}",
            "policyId": f"InsurancePolicy:{refs.policy}",
            "category": "HAZARD_INVESTIGATION",
            "plannedOn": refs.day.isoformat(),
            "place": f"深圳市南山区科技园{n}号厂区",
            "content": CONTENT,
            "responsibleParty": "INSURER",
            "agencyId": f"Agency:{refs.agency}",
            "startedAt": started.isoformat(),
            "completedAt": completed.isoformat(),
            "staffIds": [f"StaffMember:{refs.staff}"],
            "hazards": [
                {
                    "description": HAZARD,
                    "isMajor": True,
                    "foundAt": found.isoformat(),
                    "toldAt": told.isoformat(),
                }
            ],
        }
        out.append(json.dumps(line, ensure_ascii=False).encode())
    return b"\n".join(out) + b"\n"


def _tuples(refs: Refs, ids: list[int]) -> tuple[list[tuple[Any, ...]], ...]:
    started, found = _instant(refs.day, 1), _instant(refs.day, 2)
    told, completed = _instant(refs.day, 3), _instant(refs.day, 8)
    at = datetime.now(UTC)
    records = [
        (
            *(i, refs.insurer, refs.unit, refs.policy, "hazard_investigation", "completed"),
            *(refs.day, started, completed, f"深圳市南山区科技园{n}号厂区", refs.agency),
            *("insurer", CONTENT, at),
        )
        for n, i in enumerate(ids)
    ]
    hazards = [(i, HAZARD, True, found, told) for i in ids]
    staff = [(i, refs.staff) for i in ids]
    return records, hazards, staff


def _insert(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


async def raw_upload(conn: asyncpg.Connection, refs: Refs, *, copy: bool) -> float:
    """Seconds to write LINES records (+1 hazard, +1 staff row each) in one transaction."""
    began = time.perf_counter()
    async with conn.transaction():
        ids = [
            r[0]
            for r in await conn.fetch(
                "SELECT nextval(pg_get_serial_sequence('service_record', 'id')) "
                "FROM generate_series(1, $1)",
                LINES,
            )
        ]
        records, hazards, staff = _tuples(refs, ids)
        if copy:
            await conn.copy_records_to_table(
                "service_record", records=records, columns=list(RECORD_COLUMNS)
            )
            await conn.copy_records_to_table(
                "hazard", records=hazards, columns=list(HAZARD_COLUMNS)
            )
            await conn.copy_records_to_table(
                "service_record_staff", records=staff, columns=list(STAFF_COLUMNS)
            )
        else:
            await conn.executemany(_insert("service_record", RECORD_COLUMNS), records)
            await conn.executemany(_insert("hazard", HAZARD_COLUMNS), hazards)
            await conn.executemany(_insert("service_record_staff", STAFF_COLUMNS), staff)
    return time.perf_counter() - began
