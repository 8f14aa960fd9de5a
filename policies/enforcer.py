"""Casbin, deciding per (role, resource, action) whether — and with which scope kind."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import casbin
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from policies.adapter import PolicyRuleAdapter
from policies.resources import ScopeKind
from store.repositories.policy_rule import PolicyRuleRepository

MODEL_PATH = Path(__file__).with_name("model.conf")
DEFAULT_POLICY_PATH = Path(__file__).with_name("policy.csv")

Rule = tuple[str, str, str, str]  # role, resource, action, scope kind


def parse_rules(text: str) -> list[Rule]:
    """``p, role, resource, action, scope`` lines; comments and blank lines skipped."""
    rules: list[Rule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f.strip() for f in line.split(",")]
        if len(fields) != 5 or fields[0] != "p":
            raise ValueError(f"policy line {number}: expected 'p, role, resource, action, scope'")
        ScopeKind(fields[4])  # an unknown scope kind is a broken policy, not a silent deny
        rules.append((fields[1], fields[2], fields[3], fields[4]))
    return rules


def default_rules() -> list[Rule]:
    return parse_rules(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))


class Decisions:
    """Answers of one Casbin enforcer; built from rules (tests) or loaded from the database."""

    def __init__(self, rules: Iterable[Rule] = (), *, enforcer: Any = None) -> None:
        if enforcer is None:
            enforcer = casbin.Enforcer(str(MODEL_PATH))
            rows = [list(rule) for rule in rules]
            if rows:
                enforcer.add_policies(rows)
        enforcer.logger.disabled = True
        self.enforcer = enforcer
        # The rules do not change under a loaded enforcer: each answer is computed once.
        self._answers: dict[tuple[str, str, str], ScopeKind | None] = {}

    @classmethod
    async def load(cls, sessions: async_sessionmaker[AsyncSession]) -> Decisions:
        """The policy as stored in ``policy_rule`` (an empty table denies everything)."""
        enforcer = casbin.AsyncEnforcer(str(MODEL_PATH), PolicyRuleAdapter(sessions))
        await enforcer.load_policy()
        return cls(enforcer=enforcer)

    def decide(self, role: str, resource: str, action: str) -> ScopeKind | None:
        key = (role, resource, action)
        if key not in self._answers:
            allowed, explain = self.enforcer.enforce_ex(role, resource, action)
            self._answers[key] = ScopeKind(explain[3]) if allowed and explain else None
        return self._answers[key]


async def ensure_default_policy(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Store the default policy when the table is empty; returns the rules written."""
    async with sessions() as session, session.begin():
        repo = PolicyRuleRepository(session)
        if await repo.count():
            return 0
        rules = default_rules()
        await repo.add(rules)
        return len(rules)
