"""Staff members for tests: an insurer's manager unless told otherwise."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import StaffKind
from store.models.staff_member import StaffMember
from store.repositories.staff_member import StaffMemberRepository
from tests.factories.insurer import create_insurer

_n = itertools.count(1)


async def create_staff_member(session: AsyncSession, **overrides: Any) -> StaffMember:
    """Creates an insurer as employer when neither ``insurer_id`` nor ``agency_id`` is given."""
    values: dict[str, Any] = {"kind": StaffKind.MANAGEMENT, "name": f"测试人员{next(_n)}"}
    values.update(overrides)
    if values.get("insurer_id") is None and values.get("agency_id") is None:
        values["insurer_id"] = (await create_insurer(session)).id
    return await StaffMemberRepository(session).add(StaffMember(**values))
