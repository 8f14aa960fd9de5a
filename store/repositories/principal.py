"""Queries on principals, always with their role bindings (relationships are lazy="raise")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from store.repositories.base import Repository


class PrincipalRepository(Repository[Principal]):
    internal = True
    model = Principal

    async def by_name(self, name: str) -> Principal | None:
        """The principal and its bindings (authentication resolves a token's name here)."""
        result = await self.session.execute(
            self.select().where(Principal.name == name).options(selectinload(Principal.bindings))
        )
        return result.scalar_one_or_none()

    async def with_bindings(self, principal_id: int) -> Principal | None:
        result = await self.session.execute(
            self.select()
            .where(Principal.id == principal_id)
            .options(selectinload(Principal.bindings))
        )
        return result.scalar_one_or_none()

    async def taken(self, *, name: str) -> set[str]:
        """``{"name"}`` when another principal holds it, in or out of scope (see insurer)."""
        result = await self.session.execute(select(Principal.id).where(Principal.name == name))
        return {"name"} if result.first() is not None else set()

    async def active_names_by_role(self) -> list[tuple[str, str]]:
        """(principal name, role) of every active principal, for operators' listings."""
        result = await self.session.execute(
            select(Principal.name, RoleBinding.role)
            .join(RoleBinding, RoleBinding.principal_id == Principal.id)
            .where(Principal.active.is_(True), self.scope.where(Principal))
            .order_by(RoleBinding.role, Principal.name)
        )
        return [(row.name, str(row.role)) for row in result]

    async def tokens_valid_after(self, *, since: datetime) -> dict[str, datetime]:
        """Principal name -> ``tokens_valid_after``, for cut-offs later than ``since``.

        Unscoped: authentication reads it. A cut-off older than the longest token lifetime
        refuses nothing that expiry does not already refuse, so callers pass that bound.
        """
        result = await self.session.execute(
            select(Principal.name, Principal.tokens_valid_after).where(
                Principal.tokens_valid_after > since
            )
        )
        return {name: when for name, when in result if when is not None}
