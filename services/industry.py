"""Registering industries (行业) with GB/T 4754-2017 codes and their R-5.1-annual category."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.validation import Checker
from services.validation.messages import duplicate
from store.enums import HighRiskCategory
from store.models.industry import Industry
from store.repositories.industry import IndustryRepository

# A section letter (门类), optionally followed by a division (大类, 2 digits), a group (中类,
# 3 digits) or a class (小类, 4 digits): "B", "B06", "C261", "C2614".
_CODE = re.compile(r"[A-T](?:\d{2,4})?")

# GB/T 4754-2017: the divisions (first two digits) each section holds.
SECTION_DIVISIONS: dict[str, range] = {
    "A": range(1, 6),
    "B": range(6, 13),
    "C": range(13, 44),
    "D": range(44, 47),
    "E": range(47, 51),
    "F": range(51, 53),
    "G": range(53, 61),
    "H": range(61, 63),
    "I": range(63, 66),
    "J": range(66, 70),
    "K": range(70, 71),
    "L": range(71, 73),
    "M": range(73, 76),
    "N": range(76, 80),
    "O": range(80, 83),
    "P": range(83, 84),
    "Q": range(84, 86),
    "R": range(86, 91),
    "S": range(91, 97),
    "T": range(97, 98),
}


@dataclass(frozen=True, slots=True)
class IndustryInput:
    code: str
    name: str
    # R-5.1-annual: set for the high-risk industries only.
    high_risk_category: HighRiskCategory | str | None = None


def _check_code(check: Checker, value: str) -> str | None:
    code = check.pattern(
        "code",
        value,
        _CODE,
        code="INDUSTRY_CODE_FORMAT",
        zh="行业代码应为门类字母A–T加2至4位数字（GB/T 4754，如C26）",
        en="must be a section letter A–T and 2 to 4 digits (GB/T 4754, e.g. C26)",
        max_len=8,
    )
    if code is None or len(code) == 1:
        return code
    if int(code[1:3]) not in SECTION_DIVISIONS[code[0]]:
        check.fail(
            "INDUSTRY_CODE_SECTION",
            "code",
            f"大类{code[1:3]}不属于门类{code[0]}（GB/T 4754-2017）",
            f"division {code[1:3]} does not belong to section {code[0]} (GB/T 4754-2017)",
        )
        return None
    return code


async def create_industry(session: AsyncSession, data: IndustryInput) -> Industry:
    check = Checker()
    code = _check_code(check, data.code)
    name = check.text("name", data.name, max_len=64)
    category = check.enum(
        "highRiskCategory", data.high_risk_category, HighRiskCategory, required=False
    )
    check.raise_if_any()
    assert code is not None and name is not None

    repo = IndustryRepository(session)
    if await repo.taken(code=code):
        duplicate(check, "code", "行业代码", "industry code")
    check.raise_if_any()
    return await repo.add(Industry(code=code, name=name, high_risk_category=category))
