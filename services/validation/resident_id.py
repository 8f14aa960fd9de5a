"""Resident identity card number (公民身份号码), GB 11643-1999.

Our own few lines rather than ``stdnum.cn.ric``: stdnum also refuses numbers whose first six
digits are missing from its bundled region list, and GB/T 2260 codes change every year (a
person keeps the number issued under a region code that was abolished since).
"""

from __future__ import annotations

from datetime import date

# ISO 7064 MOD 11-2 as GB 11643 applies it: weights 2^(17-i) mod 11, remainder -> check.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize(text: str) -> str:
    return text.strip().upper()


def check_character(first17: str) -> str:
    """The 18th character for 17 leading digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def problem(text: str) -> tuple[str, str] | None:
    """``None`` for a valid number, else (Chinese message, English message)."""
    number = normalize(text)
    if len(number) != 18:
        return (
            f"公民身份号码应为18位（当前{len(number)}位）",
            f"a resident ID number has 18 characters (got {len(number)})",
        )
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in _CHECK:
        return (
            "公民身份号码前17位应为数字，末位为数字或X",
            "a resident ID number is 17 digits followed by a digit or X",
        )
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return (
            "公民身份号码第7至14位不是有效的出生日期",
            "characters 7 to 14 of a resident ID number are not a valid birth date",
        )
    if check_character(number[:17]) != number[17]:
        return ("公民身份号码校验码错误", "the check character of the resident ID number is wrong")
    return None
