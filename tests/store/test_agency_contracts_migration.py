"""Migration 0010 (R-7.1-staff, R-7.4-archive): a database migrated before it keeps the
agencies suspended then as the first rows of their status history, and its stored policy
gains the rights on agency contracts and the history."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from store.database import create_engine
from store.migrate import upgrade

MIGRATION = importlib.import_module("store.migrations.versions.0010_agency_contracts")
SUSPENDED_AT = datetime(2025, 8, 1, 2, 0, tzinfo=UTC)


async def test_agencies_suspended_before_get_their_history(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, str(MIGRATION.down_revision))
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO region (code, name, level) VALUES ('440000', '广东省', 'province')"
                )
            )
            for key, status, at, reason in (
                (1, "suspended", SUSPENDED_AT, "年度考核不合格"),
                (2, "active", None, None),
                (3, "suspended", None, None),  # no instant recorded: dated by its creation
            ):
                await conn.execute(
                    sa.text(
                        "INSERT INTO agency (id, credit_code, name, kind, region_code, status, "
                        "status_changed_at, status_reason, created_at) VALUES (:id, :code, "
                        ":name, 'consultancy', '440000', :status, :at, :reason, :created)"
                    ),
                    {
                        "id": key,
                        "code": f"91440000MA0000000{key}",
                        "name": f"机构{key}",
                        "status": status,
                        "at": None if at is None else at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                        "reason": reason,
                        "created": "2024-01-02 03:00:00.000000",
                    },
                )
        await upgrade(engine)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT agency_id, status, changed_at, reason, changed_by "
                        "FROM agency_status_change ORDER BY agency_id"
                    )
                )
            ).all()
        assert [(r[0], r[1], str(r[2])[:19], r[3], r[4]) for r in rows] == [
            (1, "suspended", "2025-08-01 02:00:00", "年度考核不合格", None),
            (3, "suspended", "2024-01-02 03:00:00", None, None),
        ]
    finally:
        await engine.dispose()
