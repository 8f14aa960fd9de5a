"""Editing the stored policy: every rule of the shipped default passes the commands' checks,
and a change and its auth_version bump commit or roll back together (SQLite and
PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import default_rules
from services.errors import InputError
from services.policy_admin import check_rule, grant_rule, revoke_rule
from store.repositories.auth_version import AuthVersionRepository
from store.repositories.policy_rule import PolicyRuleRepository

RULE = ("public", "hazard", "aggregate", "all")  # not in the default policy


def test_every_default_rule_passes_the_checks_of_a_grant() -> None:
    # `anzexian policy reset` stores them: a rule `grant` would refuse must not ship.
    for rule in default_rules():
        assert check_rule(*rule) == rule


def test_the_checks_report_every_field_at_fault_at_once() -> None:
    with pytest.raises(InputError) as refused:
        check_rule(" regulator ", "nowhere", "peek", "galaxy")
    assert {e.field for e in refused.value.errors} == {"resource", "action", "scopeKind"}
    assert check_rule(" regulator ", " region ", " read ", " all ") == (
        "regulator",
        "region",
        "read",
        "all",
    )


async def test_a_change_and_its_bump_share_one_transaction(session: AsyncSession) -> None:
    versions = AuthVersionRepository(session)
    rules = PolicyRuleRepository(session)
    before = await versions.current()
    assert before is not None
    savepoint = await session.begin_nested()
    edit = await grant_rule(session, *RULE)
    assert edit.changed and edit.version == before + 1
    assert RULE in await rules.rules(role="public")
    await savepoint.rollback()  # as a failed command's transaction would
    assert await versions.current() == before
    assert RULE not in await rules.rules(role="public")


async def test_no_change_no_bump(session: AsyncSession) -> None:
    versions = AuthVersionRepository(session)
    before = await versions.current()
    edit = await revoke_rule(session, *RULE)  # not granted
    assert not edit.changed and edit.version == before
    assert await versions.current() == before
