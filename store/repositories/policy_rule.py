"""Queries on the stored Casbin policy (unscoped: the policy decides scopes, it has none)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.policy_rule import PolicyRule

Rule = tuple[str, str, str, str]


class PolicyRuleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rules(self, ptype: str = "p") -> list[Rule]:
        result = await self.session.execute(
            select(PolicyRule.v0, PolicyRule.v1, PolicyRule.v2, PolicyRule.v3)
            .where(PolicyRule.ptype == ptype)
            .order_by(PolicyRule.id)
        )
        return [(r.v0, r.v1, r.v2, r.v3) for r in result]

    async def count(self) -> int:
        return int((await self.session.execute(select(func.count(PolicyRule.id)))).scalar_one())

    async def add(self, rules: Iterable[Sequence[str]], ptype: str = "p") -> None:
        self.session.add_all(
            PolicyRule(ptype=ptype, v0=r[0], v1=r[1], v2=r[2], v3=r[3]) for r in rules
        )
        await self.session.flush()

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
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def clear(self, ptype: str = "p") -> None:
        await self.session.execute(delete(PolicyRule).where(PolicyRule.ptype == ptype))
