"""Turning a verified token subject into an Identity, from the principal's role bindings."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.identity import Identity, RoleGrant
from store.repositories.principal import PrincipalRepository


async def identity_for(session: AsyncSession, name: str) -> Identity | None:
    """The active principal called ``name`` with its grants, or ``None``."""
    # Authentication runs before any scope exists: the repository's default scope.
    principal = await PrincipalRepository(session).by_name(name)
    if principal is None or not principal.active:
        return None
    grants = tuple(
        RoleGrant(
            role=b.role,
            region_code=b.region_code,
            industry_codes=tuple(b.industry_codes or ()),
            insurer_id=b.insurer_id,
            unit_id=b.unit_id,
            agency_id=b.agency_id,
        )
        for b in principal.bindings
    )
    return Identity(name=principal.name, display_name=principal.display_name, grants=grants)
