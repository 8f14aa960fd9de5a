"""A Casbin adapter over the ``policy_rule`` table, through our async SQLAlchemy sessions."""

from __future__ import annotations

from typing import Any

from casbin.persist.adapter import load_policy_line
from casbin.persist.adapters.asyncio import AsyncAdapter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store.repositories.policy_rule import PolicyRuleRepository


class PolicyRuleAdapter(AsyncAdapter):  # type: ignore[misc]
    """Loads and saves ``p`` rules; each write is its own committed transaction, and bumps
    ``auth_version`` in it (the repository does) so every server process reloads."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def load_policy(self, model: Any) -> None:
        async with self.sessions() as session:
            rules = await PolicyRuleRepository(session).rules()
        for rule in rules:
            load_policy_line(", ".join(("p", *rule)), model)

    async def save_policy(self, model: Any) -> bool:
        rules = [list(rule) for rule in model.model.get("p", {}).get("p", {}).policy]
        async with self.sessions() as session, session.begin():
            repo = PolicyRuleRepository(session)
            await repo.clear()
            await repo.add(rules)
        return True

    async def add_policy(self, sec: str, ptype: str, rule: list[str]) -> bool:
        async with self.sessions() as session, session.begin():
            await PolicyRuleRepository(session).add([rule], ptype)
        return True

    async def remove_policy(self, sec: str, ptype: str, rule: list[str]) -> bool:
        async with self.sessions() as session, session.begin():
            removed = await PolicyRuleRepository(session).remove(rule, ptype)
        return removed > 0

    async def remove_filtered_policy(
        self, sec: str, ptype: str, field_index: int, *field_values: str
    ) -> bool:
        raise NotImplementedError("edit rules one by one (anzexian policy grant/revoke)")
