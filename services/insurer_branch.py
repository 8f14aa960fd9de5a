"""Registering an insurer's branches (分支机构), each serving a region."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.validation import Checker
from services.validation.messages import duplicate
from store.models.insurer_branch import InsurerBranch
from store.repositories.insurer_branch import InsurerBranchRepository


@dataclass(frozen=True, slots=True)
class InsurerBranchInput:
    insurer_id: int
    name: str
    region_code: str


async def create_insurer_branch(session: AsyncSession, data: InsurerBranchInput) -> InsurerBranch:
    check = Checker()
    insurer_id = check.identifier("insurerId", data.insurer_id)
    name = check.text("name", data.name, max_len=128)
    region_code = check.region_code("regionCode", data.region_code)
    check.raise_if_any()
    assert insurer_id is not None and name is not None and region_code is not None

    await references.insurer(check, session, "insurerId", insurer_id)
    await references.region(check, session, "regionCode", region_code)
    repo = InsurerBranchRepository(session)
    if await repo.taken(insurer_id=insurer_id, name=name):
        duplicate(check, "name", "该保险机构的分支机构名称", "branch name of this insurer")
    check.raise_if_any()
    return await repo.add(InsurerBranch(insurer_id=insurer_id, name=name, region_code=region_code))
