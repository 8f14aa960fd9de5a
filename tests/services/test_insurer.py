"""Registering insurers: valid input is stored; each refusal has its code and writes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import InputError
from services.insurer import InsurerInput, create_insurer
from store.repositories.insurer import InsurerRepository
from store.uow import UnitOfWork
from tests.factories.codes import credit_code


def _input(**overrides: str) -> InsurerInput:
    values = {"code": "PICC", "name": "中国人民财产保险股份有限公司", "credit_code": credit_code()}
    values.update(overrides)
    return InsurerInput(**values)


async def test_creates_insurer(uow: Callable[[], UnitOfWork], session: AsyncSession) -> None:
    async with uow() as work:
        created = await create_insurer(work.session, _input(code="PICC"))
    assert created.id is not None
    stored = await InsurerRepository(session).by_code("PICC")
    assert stored is not None
    assert stored.name == "中国人民财产保险股份有限公司"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"code": "picc"}, "TENANT_CODE_FORMAT", "code"),
        ({"name": "  "}, "REQUIRED", "name"),
        ({"name": "人保\x00财险"}, "CONTROL_CHARACTER", "name"),
        ({"name": "长" * 129}, "TOO_LONG", "name"),
        ({"credit_code": "91110000600037341X"}, "CREDIT_CODE_CHECKSUM", "creditCode"),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    overrides: dict[str, str],
    code: str,
    field: str,
) -> None:
    with pytest.raises(InputError) as raised:
        async with uow() as work:
            await create_insurer(work.session, _input(**overrides))
    assert [(e.code, e.field) for e in raised.value.errors] == [(code, field)]
    assert raised.value.errors[0].message_zh and raised.value.errors[0].message_en
    assert await InsurerRepository(session).count() == 0


async def test_duplicate_code_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    async with uow() as work:
        await create_insurer(work.session, _input(code="PICC"))
    with pytest.raises(InputError) as raised:
        async with uow() as work:
            await create_insurer(work.session, _input(code="PICC"))
    assert raised.value.codes == ["DUPLICATE"]
    assert await InsurerRepository(session).count() == 1
