"""Checks that a referenced row exists, shared by the services that write references.

Each lookup goes through the scoped repository, so a row outside the writer's scope is
reported exactly like a missing one (UNKNOWN_REFERENCE): existence does not leak.
A ``None`` reference is skipped; whether it was required is the field check's business.
Each returns ``False`` only when it reported the reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from sqlalchemy.ext.asyncio import AsyncSession

from services.validation import Checker
from services.validation.messages import unknown_reference
from store.repositories.agency import AgencyRepository
from store.repositories.industry import IndustryRepository
from store.repositories.insured_unit import InsuredUnitRepository
from store.repositories.insurer import InsurerRepository
from store.repositories.insurer_branch import InsurerBranchRepository
from store.repositories.region import RegionRepository
from store.repositories.staff_member import StaffMemberRepository


async def region(check: Checker, session: AsyncSession, field: str, code: str | None) -> bool:
    if code is not None and not await RegionRepository(session).exists(code):
        unknown_reference(check, field, "行政区划", "region")
        return False
    return True


async def industry(check: Checker, session: AsyncSession, field: str, code: str | None) -> bool:
    if code is not None and not await IndustryRepository(session).exists(code):
        unknown_reference(check, field, "行业", "industry")
        return False
    return True


async def insurer(check: Checker, session: AsyncSession, field: str, key: int | None) -> bool:
    if key is not None and not await InsurerRepository(session).exists(key):
        unknown_reference(check, field, "保险机构", "insurer")
        return False
    return True


async def agency(check: Checker, session: AsyncSession, field: str, key: int | None) -> bool:
    if key is not None and not await AgencyRepository(session).exists(key):
        unknown_reference(check, field, "技术服务机构", "technical service agency")
        return False
    return True


async def insured_unit(check: Checker, session: AsyncSession, field: str, key: int | None) -> bool:
    if key is not None and not await InsuredUnitRepository(session).exists(key):
        unknown_reference(check, field, "投保单位", "insured unit")
        return False
    return True


async def branch_of(
    check: Checker, session: AsyncSession, field: str, key: int | None, insurer_id: int
) -> None:
    """A branch must exist and belong to the policy's insurer (another's is "unknown")."""
    if key is None:
        return
    branch = await InsurerBranchRepository(session).get(key)
    if branch is None or branch.insurer_id != insurer_id:
        unknown_reference(check, field, "分支机构", "insurer branch")


async def staff(check: Checker, session: AsyncSession, field: str, keys: Sequence[int]) -> None:
    """Every listed staff member exists; errors point at the position (``staffIds[1]``)."""
    report_missing_staff(check, field, keys, await StaffMemberRepository(session).missing(keys))


def report_missing_staff(
    check: Checker, field: str, keys: Sequence[int], missing: AbstractSet[int]
) -> None:
    """``staff`` on an already loaded set of missing ids (bulk upload loads a batch's)."""
    for i, key in enumerate(keys):
        if key in missing:
            unknown_reference(check, f"{field}[{i}]", "服务人员", "staff member")


async def staff_member(check: Checker, session: AsyncSession, field: str, key: int | None) -> None:
    if key is not None:
        missing = await StaffMemberRepository(session).missing([key])
        report_missing_staff_member(check, field, key, missing)


def report_missing_staff_member(
    check: Checker, field: str, key: int | None, missing: AbstractSet[int]
) -> None:
    """``staff_member`` on an already loaded set of missing ids."""
    if key is not None and key in missing:
        unknown_reference(check, field, "服务人员", "staff member")
