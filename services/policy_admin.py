"""Operators' edits of the stored access policy (``anzexian policy``): list, grant, revoke,
reset to the shipped default (``policies/policy.csv``).

A rule names a role, a resource (a table, or ``table.column`` for ``read_personal``), an
action and a scope kind, each checked against the vocabularies the code knows, so a typo is
refused instead of becoming a rule that silently denies. Edits are idempotent: granting a
rule that is there, or revoking one that is not, changes nothing and says so. Every change
bumps ``auth_version`` in its transaction (the repository does it), which is how every
server process learns of it within ``ANZEXIAN_POLICY_REFRESH_SECONDS``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

import store.models  # noqa: F401  (every table registered: the resource vocabulary)
from policies.enforcer import Rule, default_rules
from policies.resources import Action, ScopeKind
from policies.scope import supported
from services.errors import ConflictError
from services.validation import Checker
from store.base import Base
from store.enums import Role
from store.repositories.auth_version import AuthVersionRepository
from store.repositories.policy_rule import PolicyRuleRepository


@dataclass(frozen=True, slots=True)
class RuleEdit:
    """One grant or revoke: the rule as cleaned, and whether the table changed."""

    rule: Rule
    changed: bool
    version: int | None  # auth_version after the transaction's writes


@dataclass(frozen=True, slots=True)
class PolicyReset:
    added: tuple[Rule, ...]
    removed: tuple[Rule, ...]
    version: int | None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


class ScopeConflict(ConflictError):
    """Casbin answers one scope kind per (role, resource, action): a second rule with
    another kind would make the answer depend on which row was stored first."""

    code = "POLICY_SCOPE_CONFLICT"

    def __init__(self, existing: Rule) -> None:
        role, resource, action, kind = existing
        super().__init__(
            f"角色 {role} 对 {resource} 的 {action} 权限已以范围 {kind} 授予；"
            f"请先撤销该规则（anzexian policy revoke {role} {resource} {action} {kind}）",
            f"{role} already has {action} on {resource} with scope kind {kind}; revoke that "
            f"rule first (anzexian policy revoke {role} {resource} {action} {kind})",
        )
        self.existing = existing


def _tables() -> dict[str, frozenset[str]]:
    return {
        name: frozenset(column.name for column in table.columns)
        for name, table in Base.metadata.tables.items()
    }


def _suggestion(word: str, known: list[str]) -> tuple[str, str]:
    close = difflib.get_close_matches(word, known, n=1)
    return (f"，是否指 {close[0]}？", f"; did you mean {close[0]}?") if close else ("", "")


def _resource(check: Checker, resource: str, action: Action | None) -> str | None:
    """``table`` or ``table.column``, both existing; a column exactly for read_personal."""
    value = resource.strip()
    if not check.required("resource", value):
        return None
    table, dot, column = value.partition(".")
    tables = _tables()
    if table not in tables:
        known = sorted(tables)
        zh, en = _suggestion(table, known)
        check.fail(
            "UNKNOWN_RESOURCE",
            "resource",
            f"未知的资源（表）{table}{zh}可选：{', '.join(known)}",
            f"unknown resource (table) {table}{en} known: {', '.join(known)}",
        )
        return None
    if dot and column not in tables[table]:
        known = sorted(tables[table])
        zh, en = _suggestion(column, known)
        check.fail(
            "UNKNOWN_COLUMN",
            "resource",
            f"表 {table} 没有列 {column}{zh}可选：{', '.join(known)}",
            f"table {table} has no column {column}{en} known: {', '.join(known)}",
        )
        return None
    if action is Action.READ_PERSONAL and not dot:
        check.fail(
            "RESOURCE_NEEDS_COLUMN",
            "resource",
            "read_personal 针对单列，资源应写作“表.列”，如 insured_unit.contact_phone",
            "read_personal names one column: write the resource as table.column, e.g. "
            "insured_unit.contact_phone",
        )
        return None
    if action is not None and action is not Action.READ_PERSONAL and dot:
        check.fail(
            "RESOURCE_IS_COLUMN",
            "resource",
            f"只有 read_personal 针对单列；{action} 的资源应为整张表，如 {table}",
            f"only read_personal names a column; {action} takes a table, e.g. {table}",
        )
        return None
    return value


def check_rule(
    role: str, resource: str, action: str, scope_kind: str, *, applicable: bool = True
) -> Rule:
    """The rule, cleaned, or ``InputError`` naming every field at fault. ``applicable``:
    also refuse a scope kind that means nothing for the table (the rule would deny all)."""
    check = Checker()
    clean_role = check.enum("role", role.strip(), Role)
    clean_action = check.enum("action", action.strip(), Action)
    clean_kind = check.enum("scopeKind", scope_kind.strip(), ScopeKind)
    clean_resource = _resource(check, resource, clean_action)
    if applicable and clean_kind is not None and clean_resource is not None:
        table = clean_resource.split(".", 1)[0]
        if not supported(clean_kind, table):
            check.fail(
                "SCOPE_NOT_APPLICABLE",
                "scopeKind",
                f"范围 {clean_kind} 不适用于 {table}：这条规则将拒绝一切",
                f"scope kind {clean_kind} does not apply to {table}: the rule would deny "
                "everything",
            )
    check.raise_if_any()
    assert clean_role and clean_resource and clean_action and clean_kind
    return (clean_role.value, clean_resource, clean_action.value, clean_kind.value)


def check_filters(role: str | None, resource: str | None) -> tuple[str | None, str | None]:
    """The filters of a listing, refused when they could only ever match nothing."""
    check = Checker()
    clean_role = check.enum("role", role.strip(), Role) if role is not None else None
    clean_resource = _resource(check, resource, None) if resource is not None else None
    check.raise_if_any()
    return (clean_role.value if clean_role else None), clean_resource


async def list_rules(
    session: AsyncSession, *, role: str | None = None, resource: str | None = None
) -> list[Rule]:
    role, resource = check_filters(role, resource)
    return await PolicyRuleRepository(session).rules(role=role, resource=resource)


async def _edit(session: AsyncSession, rule: Rule, changed: bool) -> RuleEdit:
    return RuleEdit(rule, changed, await AuthVersionRepository(session).current())


async def grant_rule(
    session: AsyncSession, role: str, resource: str, action: str, scope_kind: str
) -> RuleEdit:
    rule = check_rule(role, resource, action, scope_kind)
    repo = PolicyRuleRepository(session)
    for existing in await repo.rules(role=rule[0], resource=rule[1]):
        if existing == rule:
            return await _edit(session, rule, changed=False)
        if existing[1:3] == rule[1:3]:
            raise ScopeConflict(existing)
    await repo.add([rule])
    return await _edit(session, rule, changed=True)


async def revoke_rule(
    session: AsyncSession, role: str, resource: str, action: str, scope_kind: str
) -> RuleEdit:
    # A stored rule whose kind does not apply to its table must still be removable.
    rule = check_rule(role, resource, action, scope_kind, applicable=False)
    removed = await PolicyRuleRepository(session).remove(rule)
    return await _edit(session, rule, changed=removed > 0)


async def reset_policy(session: AsyncSession) -> PolicyReset:
    """Make the stored policy the default one; rules already there keep their rows."""
    repo = PolicyRuleRepository(session)
    stored = await repo.rules()
    default = default_rules()
    wanted = set(default)
    removed = [rule for rule in stored if rule not in wanted]
    for rule in removed:
        await repo.remove(rule)
    present = set(stored)
    added = [rule for rule in dict.fromkeys(default) if rule not in present]
    await repo.add(added)
    version = await AuthVersionRepository(session).current()
    return PolicyReset(tuple(added), tuple(removed), version)
