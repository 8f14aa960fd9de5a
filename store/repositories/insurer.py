"""Queries on insurers."""

from __future__ import annotations

from sqlalchemy import or_, select

from store.models.insurer import Insurer
from store.repositories.base import Repository


class InsurerRepository(Repository[Insurer]):
    model = Insurer

    async def by_code(self, code: str) -> Insurer | None:
        result = await self.session.execute(self.select().where(Insurer.code == code))
        return result.scalar_one_or_none()

    async def taken(self, *, code: str, credit_code: str) -> set[str]:
        """Which of the two unique keys another insurer already holds.

        Unscoped on purpose: uniqueness is global. Only the clashing field names leave
        this method, never a row, so nothing outside the caller's scope is disclosed.
        """
        result = await self.session.execute(
            select(Insurer.code, Insurer.credit_code).where(
                or_(Insurer.code == code, Insurer.credit_code == credit_code)
            )
        )
        clashes: set[str] = set()
        for row in result:
            if row.code == code:
                clashes.add("code")
            if row.credit_code == credit_code:
                clashes.add("credit_code")
        return clashes
