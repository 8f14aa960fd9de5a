"""Unified social credit code (统一社会信用代码), GB 32100-2015.

python-stdnum's ``stdnum.cn.uscc`` computes the check character correctly but refuses
codes whose first character is a letter, although GB 32100 assigns A (中央军委改革和编制
办公室), N (农业) and Y (其他) as registering authorities. We check the format ourselves and
reuse only its check-character arithmetic.
"""

from __future__ import annotations

from stdnum.cn import uscc as _stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 excludes I, O, S, V, Z
# Registering authorities (登记管理部门代码), GB 32100-2015 table 1.
AUTHORITIES = frozenset("123456789ANY")


def normalize(text: str) -> str:
    """Upper-case and drop the spaces and hyphens people type inside codes."""
    return text.replace(" ", "").replace("-", "").upper()


def check_character(first17: str) -> str:
    """The 18th character for 17 leading characters of the alphabet."""
    return str(_stdnum_uscc.calc_check_digit(first17))


def problem(text: str) -> tuple[str, str, str] | None:
    """``None`` for a valid code, else (stable code, Chinese message, English message)."""
    code = normalize(text)
    if len(code) != 18:
        return (
            "CREDIT_CODE_LENGTH",
            f"统一社会信用代码应为18位（当前{len(code)}位）",
            f"a unified social credit code has 18 characters (got {len(code)})",
        )
    if any(ch not in ALPHABET for ch in code):
        return (
            "CREDIT_CODE_CHARACTERS",
            "统一社会信用代码只能包含数字和大写字母（不含I、O、S、V、Z）",
            "a unified social credit code uses digits and capitals except I, O, S, V, Z",
        )
    if code[0] not in AUTHORITIES:
        return (
            "CREDIT_CODE_AUTHORITY",
            f"登记管理部门代码“{code[0]}”不存在（GB 32100）",
            f"registering authority '{code[0]}' does not exist (GB 32100)",
        )
    if not code[2:8].isdigit():
        return (
            "CREDIT_CODE_REGION",
            "统一社会信用代码第3至8位应为行政区划代码",
            "characters 3 to 8 must be an administrative division code",
        )
    if check_character(code[:17]) != code[17]:
        return (
            "CREDIT_CODE_CHECKSUM",
            "统一社会信用代码校验码错误",
            "the check character of the unified social credit code is wrong",
        )
    return None


def is_valid(text: str) -> bool:
    return problem(text) is None
