"""Registering insurers (保险机构), the tenants of the platform."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.validation import Checker
from services.validation.messages import duplicate
from store.models.insurer import Insurer
from store.repositories.insurer import InsurerRepository

_TENANT_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,15}$")


@dataclass(frozen=True, slots=True)
class InsurerInput:
    code: str
    name: str
    credit_code: str


async def create_insurer(session: AsyncSession, data: InsurerInput) -> Insurer:
    check = Checker()
    code = check.text("code", data.code, max_len=16)
    if code is not None and not _TENANT_CODE.match(code):
        check.fail(
            "TENANT_CODE_FORMAT",
            "code",
            "机构代码应为2至16位大写字母、数字或下划线，以字母开头",
            "must be 2–16 capitals, digits or underscores, starting with a letter",
        )
    name = check.text("name", data.name, max_len=128)
    credit_code = check.credit_code("creditCode", data.credit_code)
    check.raise_if_any()
    assert code is not None and name is not None and credit_code is not None

    repo = InsurerRepository(session)
    taken = await repo.taken(code=code, credit_code=credit_code)
    if "code" in taken:
        duplicate(check, "code", "机构代码", "insurer code")
    if "credit_code" in taken:
        duplicate(check, "creditCode", "统一社会信用代码", "credit code")
    check.raise_if_any()
    return await repo.add(Insurer(code=code, name=name, credit_code=credit_code))
