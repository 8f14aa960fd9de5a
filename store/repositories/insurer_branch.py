"""Queries on insurers' branches (分支机构)."""

from __future__ import annotations

from sqlalchemy import select

from store.models.insurer_branch import InsurerBranch
from store.repositories.base import Repository


class InsurerBranchRepository(Repository[InsurerBranch]):
    model = InsurerBranch

    async def of_insurer(self, insurer_id: int) -> list[InsurerBranch]:
        stmt = (
            self.select().where(InsurerBranch.insurer_id == insurer_id).order_by(InsurerBranch.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def taken(self, *, insurer_id: int, name: str) -> set[str]:
        """``{"name"}`` when the insurer has a branch of that name (unscoped, see insurer)."""
        result = await self.session.execute(
            select(InsurerBranch.id).where(
                InsurerBranch.insurer_id == insurer_id, InsurerBranch.name == name
            )
        )
        return {"name"} if result.first() is not None else set()
