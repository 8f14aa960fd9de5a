"""Migration 0009 grants the public portal's aggregate rows (issue 7) to a policy stored
before them, and they are exactly the default policy's public aggregate rows."""

from __future__ import annotations

import importlib
from pathlib import Path

import sqlalchemy as sa

from policies.enforcer import default_rules
from store.database import create_engine
from store.migrate import upgrade
from store.models.policy_rule import PolicyRule

MIGRATION = importlib.import_module("store.migrations.versions.0009_public_aggregates")
PUBLIC_AGGREGATES = set(MIGRATION.PUBLIC_AGGREGATES)


def test_the_migration_grants_exactly_the_default_publics_aggregates() -> None:
    defaults = {tuple(rule) for rule in default_rules()}
    assert {r for r in defaults if r[0] == "public" and r[2] == "aggregate"} == PUBLIC_AGGREGATES


async def test_a_policy_stored_before_gains_the_public_aggregates(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, str(MIGRATION.down_revision))
        old = [tuple(r) for r in default_rules() if tuple(r) not in PUBLIC_AGGREGATES]
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(PolicyRule),
                [{"ptype": "p", "v0": a, "v1": b, "v2": c, "v3": d} for a, b, c, d in old],
            )
        await upgrade(engine)
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.select(PolicyRule.v0, PolicyRule.v1, PolicyRule.v2, PolicyRule.v3)
            )
            stored = {tuple(row) for row in rows}
        assert stored == set(old) | PUBLIC_AGGREGATES
    finally:
        await engine.dispose()
