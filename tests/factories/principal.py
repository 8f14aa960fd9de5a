"""Principals for tests, with role bindings given as rows."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import PrincipalKind
from store.models.principal import Principal
from store.models.role_binding import RoleBinding
from store.repositories.principal import PrincipalRepository

_n = itertools.count(1)


async def create_principal(
    session: AsyncSession, *bindings: RoleBinding, **overrides: Any
) -> Principal:
    """A user named ``user-<n>``; pass ``RoleBinding(role=..., ...)`` rows to bind roles."""
    n = next(_n)
    values: dict[str, Any] = {
        "kind": PrincipalKind.USER,
        "name": f"user-{n}",
        "display_name": f"测试用户{n}",
        "bindings": list(bindings),
    }
    values.update(overrides)
    return await PrincipalRepository(session).add(Principal(**values))
