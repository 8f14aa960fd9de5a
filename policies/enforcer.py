"""Casbin, deciding per (role, resource, action) whether — and with which scope kind."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import casbin

from policies.resources import ScopeKind

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
    """An in-memory Casbin enforcer over a set of rules."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.enforcer = casbin.Enforcer(str(MODEL_PATH))
        self.enforcer.logger.disabled = True
        rows = [list(rule) for rule in rules]
        if rows:
            self.enforcer.add_policies(rows)

    def decide(self, role: str, resource: str, action: str) -> ScopeKind | None:
        allowed, explain = self.enforcer.enforce_ex(role, resource, action)
        if not allowed or not explain:
            return None
        return ScopeKind(explain[3])
