"""Queries on the stored Casbin policy (unscoped: the policy decides scopes, it has none).

Every write that changes a row bumps ``auth_version`` in the same transaction: that number
is what each server process compares every few seconds to learn that the policy moved
(``server/policy_source.py``), so no writer can change the policy and forget to say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.policy_rule import PolicyRule
from store.repositories.auth_version import AuthVersionRepository

Rule = tuple[str, str, str, str]


class PolicyRuleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rules(
        self, ptype: str = "p", *, role: str | None = None, resource: str | None = None
    ) -> list[Rule]:
        """Rules in the order they were stored; ``resource`` also matches its columns'
        rules (``insured_unit`` lists ``insured_unit.contact_phone``)."""
        stmt = select(PolicyRule.v0, PolicyRule.v1, PolicyRule.v2, PolicyRule.v3).where(
            PolicyRule.ptype == ptype
        )
        if role is not None:
            stmt = stmt.where(PolicyRule.v0 == role)
        if resource is not None:
            # A prefix match through LIKE would treat "_" in table names as a wildcard.
            stmt = stmt.where(
                or_(
                    PolicyRule.v1 == resource,
                    func.substr(PolicyRule.v1, 1, len(resource) + 1) == f"{resource}.",
                )
            )
        result = await self.session.execute(stmt.order_by(PolicyRule.id))
        return [(r.v0, r.v1, r.v2, r.v3) for r in result]

    async def count(self) -> int:
        return int((await self.session.execute(select(func.count(PolicyRule.id)))).scalar_one())

    async def add(self, rules: Iterable[Sequence[str]], ptype: str = "p") -> None:
        rows = [PolicyRule(ptype=ptype, v0=r[0], v1=r[1], v2=r[2], v3=r[3]) for r in rules]
        if not rows:
            return
        self.session.add_all(rows)
        await self.session.flush()
        await AuthVersionRepository(self.session).bump()

    async def remove(self, rule: Sequence[str], ptype: str = "p") -> int:
        result = await self.session.execute(
            delete(PolicyRule).where(
                PolicyRule.ptype == ptype,
                PolicyRule.v0 == rule[0],
                PolicyRule.v1 == rule[1],
                PolicyRule.v2 == rule[2],
                PolicyRule.v3 == rule[3],
            )
        )
        removed = int(result.rowcount or 0)  # type: ignore[attr-defined]
        if removed:
            await AuthVersionRepository(self.session).bump()
        return removed

    async def clear(self, ptype: str = "p") -> None:
        result = await self.session.execute(delete(PolicyRule).where(PolicyRule.ptype == ptype))
        if result.rowcount:  # type: ignore[attr-defined]
            await AuthVersionRepository(self.session).bump()
