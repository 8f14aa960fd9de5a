"""Insurer branches for tests; insurer and region are created when not given."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.models.insurer_branch import InsurerBranch
from store.repositories.insurer_branch import InsurerBranchRepository
from tests.factories.insurer import create_insurer
from tests.factories.region import ensure_region

_n = itertools.count(1)


async def create_insurer_branch(session: AsyncSession, **overrides: Any) -> InsurerBranch:
    values: dict[str, Any] = {"name": f"深圳分公司{next(_n)}", "region_code": "440300"}
    values.update(overrides)
    if "insurer_id" not in values:
        values["insurer_id"] = (await create_insurer(session)).id
    await ensure_region(session, values["region_code"])
    return await InsurerBranchRepository(session).add(InsurerBranch(**values))
