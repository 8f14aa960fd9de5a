"""Queries on role bindings (a principal's role and the subject its scope compiles from)."""

from __future__ import annotations

from store.enums import Role
from store.models.role_binding import RoleBinding
from store.repositories.base import Repository


class RoleBindingRepository(Repository[RoleBinding]):
    internal = True
    model = RoleBinding

    async def of_principal(
        self, principal_id: int, *, role: Role | None = None
    ) -> list[RoleBinding]:
        stmt = self.select().where(RoleBinding.principal_id == principal_id)
        if role is not None:
            stmt = stmt.where(RoleBinding.role == role)
        return list((await self.session.execute(stmt.order_by(RoleBinding.id))).scalars())
