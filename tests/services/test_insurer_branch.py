"""Registering insurer branches: the insurer and region exist, names are unique per insurer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.insurer_branch import InsurerBranchInput, create_insurer_branch
from store.models.insurer import Insurer
from store.repositories.insurer_branch import InsurerBranchRepository
from store.uow import UnitOfWork
from tests.factories.insurer import create_insurer
from tests.factories.insurer_branch import create_insurer_branch as make_branch
from tests.factories.region import ensure_region
from tests.services.refusal import only, refused


@pytest.fixture
async def insurer(session: AsyncSession) -> Insurer:
    await ensure_region(session, "440300")
    return await create_insurer(session)


def _input(insurer: Insurer, **overrides: Any) -> InsurerBranchInput:
    values: dict[str, Any] = {
        "insurer_id": insurer.id,
        "name": "深圳市分公司",
        "region_code": "440300",
    }
    values.update(overrides)
    return InsurerBranchInput(**values)


async def test_creates_branch(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    async with uow() as work:
        created = await create_insurer_branch(work.session, _input(insurer))
    stored = await InsurerBranchRepository(session).get(created.id)
    assert stored is not None
    assert (stored.insurer_id, stored.name, stored.region_code) == (
        insurer.id,
        "深圳市分公司",
        "440300",
    )


async def test_same_name_under_another_insurer(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    await make_branch(session, insurer_id=insurer.id, name="深圳市分公司")
    other = await create_insurer(session)
    async with uow() as work:
        await create_insurer_branch(work.session, _input(other))
    assert await InsurerBranchRepository(session).count() == 2


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"insurer_id": None}, "REQUIRED", "insurerId"),
        ({"insurer_id": "1"}, "NOT_AN_INTEGER", "insurerId"),
        ({"insurer_id": 0}, "OUT_OF_RANGE", "insurerId"),
        ({"insurer_id": 2**63}, "OUT_OF_RANGE", "insurerId"),
        ({"insurer_id": 999_999}, "UNKNOWN_REFERENCE", "insurerId"),
        ({"name": ""}, "REQUIRED", "name"),
        ({"name": "分" * 129}, "TOO_LONG", "name"),
        ({"region_code": "44030"}, "REGION_CODE_FORMAT", "regionCode"),
        ({"region_code": "410000"}, "UNKNOWN_REFERENCE", "regionCode"),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    insurer: Insurer,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    error = await refused(
        uow, session, lambda s: create_insurer_branch(s, _input(insurer, **overrides))
    )
    assert only(error) == (code, field)
    assert await InsurerBranchRepository(session).count() == 0


async def test_duplicate_name_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    await make_branch(session, insurer_id=insurer.id, name="深圳市分公司")
    error = await refused(uow, session, lambda s: create_insurer_branch(s, _input(insurer)))
    assert only(error) == ("DUPLICATE", "name")
    assert await InsurerBranchRepository(session).count() == 1


async def test_repository_lists_branches_of_an_insurer(
    session: AsyncSession, insurer: Insurer
) -> None:
    first = await make_branch(session, insurer_id=insurer.id)
    await make_branch(session)  # another insurer's
    second = await make_branch(session, insurer_id=insurer.id, region_code="440305")
    branches = await InsurerBranchRepository(session).of_insurer(insurer.id)
    assert [b.id for b in branches] == [first.id, second.id]
