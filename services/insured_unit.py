"""Registering insured units (投保单位), identified by their unified social credit code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.validation import Checker
from services.validation.messages import duplicate
from store.models.insured_unit import InsuredUnit
from store.repositories.insured_unit import InsuredUnitRepository

# Beyond any employer in China (the largest report about 1.5 million staff).
MAX_STAFF = 10_000_000


@dataclass(frozen=True, slots=True)
class InsuredUnitInput:
    credit_code: str
    name: str
    region_code: str
    industry_code: str
    # 规模以上: with a high-risk industry, R-5.1-annual applies.
    above_designated_size: bool
    staff_count: int
    address: str | None = None
    # R-4.2-privacy: personal data and business secrets, masked on the way out.
    contact_name: str | None = None
    contact_phone: str | None = None
    business_secret_notes: str | None = None


async def create_insured_unit(session: AsyncSession, data: InsuredUnitInput) -> InsuredUnit:
    check = Checker()
    credit_code = check.credit_code("creditCode", data.credit_code)
    name = check.text("name", data.name, max_len=128)
    region_code = check.region_code("regionCode", data.region_code)
    industry_code = check.text("industryCode", data.industry_code, max_len=8)
    above_size = data.above_designated_size
    if check.required("aboveDesignatedSize", above_size) and not isinstance(above_size, bool):
        check.fail("NOT_A_BOOLEAN", "aboveDesignatedSize", "应为是或否", "must be true or false")
    staff_count = check.integer("staffCount", data.staff_count, min_value=0, max_value=MAX_STAFF)
    address = check.text("address", data.address, max_len=256, required=False)
    contact_name = check.text("contactName", data.contact_name, max_len=64, required=False)
    contact_phone = check.phone("contactPhone", data.contact_phone)
    secret_notes = check.text(
        "businessSecretNotes",
        data.business_secret_notes,
        max_len=4000,
        required=False,
        multiline=True,
    )
    check.raise_if_any()
    assert credit_code is not None and name is not None and staff_count is not None
    assert region_code is not None and industry_code is not None

    repo = InsuredUnitRepository(session)
    if await repo.taken(credit_code=credit_code):
        duplicate(check, "creditCode", "统一社会信用代码", "credit code")
    await references.region(check, session, "regionCode", region_code)
    await references.industry(check, session, "industryCode", industry_code)
    check.raise_if_any()
    return await repo.add(
        InsuredUnit(
            credit_code=credit_code,
            name=name,
            region_code=region_code,
            industry_code=industry_code,
            above_designated_size=above_size,
            staff_count=staff_count,
            address=address,
            contact_name=contact_name,
            contact_phone=contact_phone,
            business_secret_notes=secret_notes,
        )
    )
