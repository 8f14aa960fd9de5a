"""Registering insured units: GB 32100 credit codes (A, N, Y included), references, phones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.insured_unit import InsuredUnitInput, create_insured_unit
from store.repositories.insured_unit import InsuredUnitRepository
from store.uow import UnitOfWork
from tests.factories import insured_unit as unit_factory
from tests.factories.codes import credit_code
from tests.factories.industry import ensure_industry
from tests.factories.region import ensure_region
from tests.services.refusal import only, refused

VALID = credit_code()


def _input(**overrides: Any) -> InsuredUnitInput:
    values: dict[str, Any] = {
        "credit_code": VALID,
        "name": "深圳市南山化工有限公司",
        "region_code": "440305",
        "industry_code": "C26",
        "above_designated_size": True,
        "staff_count": 350,
        "contact_name": "张三",
        "contact_phone": "13800138000",
    }
    values.update(overrides)
    return InsuredUnitInput(**values)


@pytest.fixture
async def references(session: AsyncSession) -> None:
    await ensure_region(session, "440305")
    await ensure_industry(session, "C26")


def _with_char(code: str, index: int, char: str) -> str:
    return code[:index] + char + code[index + 1 :]


async def test_creates_unit(
    uow: Callable[[], UnitOfWork], session: AsyncSession, references: None
) -> None:
    async with uow() as work:
        created = await create_insured_unit(
            work.session, _input(credit_code=VALID.lower(), business_secret_notes="配方\n工艺")
        )
    stored = await InsuredUnitRepository(session).by_credit_code(VALID)
    assert stored is not None and stored.id == created.id
    assert (stored.region_code, stored.industry_code, stored.staff_count) == ("440305", "C26", 350)
    assert stored.business_secret_notes == "配方\n工艺"


# GB 32100 registering authorities A, N and Y exist; python-stdnum refuses them (EXAMPLES).
@pytest.mark.parametrize("authority", ["A", "N", "Y"])
async def test_accepts_letter_authorities(
    uow: Callable[[], UnitOfWork], session: AsyncSession, references: None, authority: str
) -> None:
    code = credit_code(authority=authority)
    async with uow() as work:
        await create_insured_unit(work.session, _input(credit_code=code))
    assert await InsuredUnitRepository(session).by_credit_code(code) is not None


@pytest.mark.parametrize(
    "phone", ["13800138000", "0755-86001234", "010-62345678", "02087654321", "0755-86001234-801"]
)
async def test_accepts_phone_formats(
    uow: Callable[[], UnitOfWork], session: AsyncSession, references: None, phone: str
) -> None:
    async with uow() as work:
        await create_insured_unit(work.session, _input(contact_phone=phone))
    stored = await InsuredUnitRepository(session).by_credit_code(VALID)
    assert stored is not None and stored.contact_phone == phone


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"credit_code": ""}, "REQUIRED", "creditCode"),
        ({"credit_code": VALID[:17]}, "CREDIT_CODE_LENGTH", "creditCode"),
        ({"credit_code": _with_char(VALID, 10, "O")}, "CREDIT_CODE_CHARACTERS", "creditCode"),
        ({"credit_code": credit_code(authority="B")}, "CREDIT_CODE_AUTHORITY", "creditCode"),
        ({"credit_code": credit_code(region="44A300")}, "CREDIT_CODE_REGION", "creditCode"),
        (
            {"credit_code": _with_char(VALID, 17, "0" if VALID[17] != "0" else "1")},
            "CREDIT_CODE_CHECKSUM",
            "creditCode",
        ),
        ({"name": " "}, "REQUIRED", "name"),
        ({"name": "司" * 129}, "TOO_LONG", "name"),
        ({"region_code": "4403"}, "REGION_CODE_FORMAT", "regionCode"),
        ({"region_code": "110101"}, "UNKNOWN_REFERENCE", "regionCode"),
        ({"industry_code": ""}, "REQUIRED", "industryCode"),
        ({"industry_code": "B06"}, "UNKNOWN_REFERENCE", "industryCode"),
        ({"above_designated_size": None}, "REQUIRED", "aboveDesignatedSize"),
        ({"above_designated_size": "yes"}, "NOT_A_BOOLEAN", "aboveDesignatedSize"),
        ({"staff_count": None}, "REQUIRED", "staffCount"),
        ({"staff_count": "350"}, "NOT_AN_INTEGER", "staffCount"),
        ({"staff_count": 350.0}, "NOT_AN_INTEGER", "staffCount"),
        ({"staff_count": -1}, "OUT_OF_RANGE", "staffCount"),
        ({"address": "路" * 257}, "TOO_LONG", "address"),
        ({"contact_name": "张\x1b三"}, "CONTROL_CHARACTER", "contactName"),
        ({"contact_phone": "12800138000"}, "PHONE_FORMAT", "contactPhone"),  # no 12x mobiles
        ({"contact_phone": "1380013800"}, "PHONE_FORMAT", "contactPhone"),
        ({"contact_phone": "86001234"}, "PHONE_FORMAT", "contactPhone"),  # no area code
        ({"contact_phone": "010-12345678"}, "PHONE_FORMAT", "contactPhone"),  # 1 opens no line
        ({"contact_phone": "0755 8600 1234"}, "PHONE_FORMAT", "contactPhone"),
        ({"business_secret_notes": "配方\x00"}, "CONTROL_CHARACTER", "businessSecretNotes"),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    references: None,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    error = await refused(uow, session, lambda s: create_insured_unit(s, _input(**overrides)))
    assert only(error) == (code, field)
    assert await InsuredUnitRepository(session).count() == 0


async def test_duplicate_credit_code_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, references: None
) -> None:
    await unit_factory.create_insured_unit(session, credit_code=VALID)
    error = await refused(uow, session, lambda s: create_insured_unit(s, _input()))
    assert only(error) == ("DUPLICATE", "creditCode")
    assert await InsuredUnitRepository(session).count() == 1


async def test_every_field_error_is_reported_at_once(
    uow: Callable[[], UnitOfWork], session: AsyncSession, references: None
) -> None:
    error = await refused(
        uow,
        session,
        lambda s: create_insured_unit(
            s, _input(region_code="110101", industry_code="B06", staff_count=-5)
        ),
    )
    assert error.codes == ["OUT_OF_RANGE"]  # reference lookups wait until the fields are sound
    error = await refused(
        uow,
        session,
        lambda s: create_insured_unit(s, _input(region_code="110101", industry_code="B06")),
    )
    assert [(e.code, e.field) for e in error.errors] == [
        ("UNKNOWN_REFERENCE", "regionCode"),
        ("UNKNOWN_REFERENCE", "industryCode"),
    ]


async def test_repository_lists_by_region_subtree_and_industry(session: AsyncSession) -> None:
    nanshan = await unit_factory.create_insured_unit(session, region_code="440305")
    jiyuan = await unit_factory.create_insured_unit(
        session, region_code="419001", industry_code="B06"
    )
    zhongyuan = await unit_factory.create_insured_unit(session, region_code="410102")
    repo = InsuredUnitRepository(session)

    def ids(units: list[Any]) -> list[int]:
        return [u.id for u in units]

    assert ids(await repo.find()) == [nanshan.id, jiyuan.id, zhongyuan.id]
    assert ids(await repo.find(region_code="410000")) == [jiyuan.id, zhongyuan.id]
    assert ids(await repo.find(region_code="410100")) == [zhongyuan.id]
    assert ids(await repo.find(industry_code="C26")) == [nanshan.id, zhongyuan.id]
    assert ids(await repo.find(region_code="410000", industry_code="B06")) == [jiyuan.id]
    assert await repo.by_credit_code(jiyuan.credit_code) is jiyuan
    assert await repo.by_credit_code(credit_code()) is None
