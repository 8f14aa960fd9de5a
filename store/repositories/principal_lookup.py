"""Authentication's one query: an active principal by name, with its role bindings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from store.models.principal import Principal
from store.models.role_binding import RoleBinding


class PrincipalLookup:
    """Unscoped by design: authentication runs before any scope exists."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active_with_bindings(self, name: str) -> Principal | None:
        result = await self.session.execute(
            select(Principal)
            .where(Principal.name == name, Principal.active.is_(True))
            .options(selectinload(Principal.bindings))
        )
        return result.scalar_one_or_none()

    async def active_names_by_role(self) -> list[tuple[str, str]]:
        """(principal name, role) of every active principal, for operators' listings."""
        result = await self.session.execute(
            select(Principal.name, RoleBinding.role)
            .join(RoleBinding, RoleBinding.principal_id == Principal.id)
            .where(Principal.active.is_(True))
            .order_by(RoleBinding.role, Principal.name)
        )
        return [(row.name, str(row.role)) for row in result]
