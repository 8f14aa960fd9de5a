"""A policy stored before a release gains that release's rights on upgrade (0005 audit,
0006 writes), and the migration's rows are the default policy's own: a policy.csv edit
that forgets its migration fails here."""

from __future__ import annotations

import importlib
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from policies.enforcer import default_rules, ensure_default_policy
from store.database import create_engine, session_factory
from store.migrate import upgrade
from store.models.policy_rule import PolicyRule

WRITES = importlib.import_module("store.migrations.versions.0006_write_rights").WRITE_RULES
AUDIT = importlib.import_module("store.migrations.versions.0005_audit_log").AUDIT_RULES
ARCHIVE = importlib.import_module("store.migrations.versions.0008_archive_chain").ARCHIVE_RULES
_0010 = importlib.import_module("store.migrations.versions.0010_agency_contracts")
CONTRACTS = (*_0010.CONTRACT_RULES, *_0010.HISTORY_RULES)
WRITE_ACTIONS = {"create", "record", "confirm", "answer", "revise", "submit", "publish", "refer"}


def test_the_migrations_grant_exactly_the_default_policys_rows() -> None:
    defaults = {tuple(rule) for rule in default_rules()}
    writes = {rule for rule in defaults if rule[2] in WRITE_ACTIONS}

    assert set(WRITES) | {r for r in CONTRACTS if r[2] in WRITE_ACTIONS} == writes
    assert set(AUDIT) <= defaults
    assert set(ARCHIVE) == {rule for rule in defaults if rule[1] == "archive_entry"}
    assert set(CONTRACTS) == {
        rule for rule in defaults if rule[1] in ("agency_contract", "agency_status_change")
    }


async def _rules(engine: AsyncEngine) -> set[tuple[str, str, str, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(PolicyRule.v0, PolicyRule.v1, PolicyRule.v2, PolicyRule.v3)
        )
        return {tuple(row) for row in rows}  # type: ignore[misc]


async def _version(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text("SELECT version FROM auth_version"))).scalar_one())


async def test_a_policy_stored_before_gains_the_new_rows_and_keeps_its_edits(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, "0004")
        # The policy as a 0004 deployment stored it, with one edit of the operator's: the
        # insurers' follow-ups were narrowed to nothing by a scope kind of their choosing.
        old = [
            r
            for r in default_rules()
            if r[2] not in WRITE_ACTIONS
            and r[1]
            not in ("audit_entry", "archive_entry", "agency_contract", "agency_status_change")
        ]
        old.append(("insurer", "follow_up", "create", "assigned"))
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(PolicyRule),
                [{"ptype": "p", "v0": a, "v1": b, "v2": c, "v3": d} for a, b, c, d in old],
            )

        before = await _version(engine)
        await upgrade(engine)

        assert await _version(engine) > before  # running gateways reload within their bound
        stored = await _rules(engine)
        assert ("insurer", "follow_up", "create", "assigned") in stored  # the edit stands
        assert ("insurer", "follow_up", "create", "own_tenant") not in stored
        assert stored == set(old) | set(AUDIT) | set(ARCHIVE) | set(CONTRACTS) | (
            set(WRITES) - {("insurer", "follow_up", "create", "own_tenant")}
        )
    finally:
        await engine.dispose()


async def test_a_fresh_database_gets_the_default_policy_whole(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    try:
        await upgrade(engine)
        assert await _rules(engine) == set()  # nothing half-granted before the default
        await ensure_default_policy(session_factory(engine))
        assert await _rules(engine) == {tuple(rule) for rule in default_rules()}
    finally:
        await engine.dispose()
