"""Collects every field error of one input, then raises them together.

A service builds a ``Checker``, runs the checks for each field (each returns the cleaned
value or ``None``), and calls ``raise_if_any()`` before it touches the database, so a
refused write never leaves half a row behind.
"""

from __future__ import annotations

import enum
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from services.errors import FieldError, InputError
from services.validation import credit_code as uscc

E = TypeVar("E", bound=enum.Enum)

# Multi-line free text (content, process, answers) may keep line breaks and tabs;
# every other control character, NUL first of all, is refused.
_MULTILINE_ALLOWED = {"\n", "\t", "\r"}


class Checker:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, code: str, field: str, zh: str, en: str, *, rule: str | None = None) -> None:
        self.errors.append(FieldError(code, field, zh, en, rule))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors)

    # -- presence and text ---------------------------------------------------------------

    def required(self, field: str, value: object) -> bool:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.fail("REQUIRED", field, "必填项不能为空", "is required")
            return False
        return True

    def text(
        self,
        field: str,
        value: str | None,
        *,
        max_len: int,
        min_len: int = 1,
        required: bool = True,
        multiline: bool = False,
    ) -> str | None:
        """Strip, then check presence, control characters and length (in characters)."""
        if value is None or not value.strip():
            if required:
                self.required(field, value)
            return None
        cleaned = value.strip()
        bad = [
            ch
            for ch in cleaned
            if unicodedata.category(ch) in ("Cc", "Cs")
            and not (multiline and ch in _MULTILINE_ALLOWED)
        ]
        if bad:
            self.fail(
                "CONTROL_CHARACTER",
                field,
                f"含有不允许的控制字符（U+{ord(bad[0]):04X}）",
                f"contains a forbidden control character (U+{ord(bad[0]):04X})",
            )
            return None
        if len(cleaned) > max_len:
            self.fail(
                "TOO_LONG",
                field,
                f"长度不能超过{max_len}个字符（当前{len(cleaned)}）",
                f"must be at most {max_len} characters (got {len(cleaned)})",
            )
            return None
        if len(cleaned) < min_len:
            self.fail(
                "TOO_SHORT",
                field,
                f"长度不能少于{min_len}个字符",
                f"must be at least {min_len} characters",
            )
            return None
        return cleaned

    # -- identifiers ---------------------------------------------------------------------

    def credit_code(self, field: str, value: str | None, *, required: bool = True) -> str | None:
        """Unified social credit code, GB 32100-2015 (统一社会信用代码)."""
        text = self.text(field, value, max_len=32, required=required)
        if text is None:
            return None
        problem = uscc.problem(text)
        if problem is not None:
            code, zh, en = problem
            self.fail(code, field, zh, en)
            return None
        return uscc.normalize(text)

    def region_code(self, field: str, value: str | None, *, required: bool = True) -> str | None:
        """Shape of a GB/T 2260 code; whether it exists is the caller's lookup."""
        if value is None or not str(value).strip():
            if required:
                self.required(field, value)
            return None
        code = str(value).strip()
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            self.fail(
                "REGION_CODE_FORMAT",
                field,
                "行政区划代码应为6位数字（GB/T 2260）",
                "must be a 6-digit GB/T 2260 administrative division code",
            )
            return None
        return code

    # -- enums and numbers ---------------------------------------------------------------

    def enum(
        self, field: str, value: E | str | None, enum_cls: type[E], *, required: bool = True
    ) -> E | None:
        if value is None:
            if required:
                self.required(field, value)
            return None
        if isinstance(value, enum_cls):
            return value
        try:
            return enum_cls(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum_cls)
            self.fail(
                "INVALID_ENUM",
                field,
                f"取值无效，可选值：{allowed}",
                f"is not one of: {allowed}",
            )
            return None

    def integer(
        self,
        field: str,
        value: int | None,
        *,
        min_value: int | None = None,
        max_value: int | None = None,
        required: bool = True,
    ) -> int | None:
        if value is None:
            if required:
                self.required(field, value)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail("NOT_AN_INTEGER", field, "应为整数", "must be an integer")
            return None
        if (min_value is not None and value < min_value) or (
            max_value is not None and value > max_value
        ):
            self.fail(
                "OUT_OF_RANGE",
                field,
                f"取值应在{min_value}到{max_value}之间",
                f"must be between {min_value} and {max_value}",
            )
            return None
        return value

    def money(
        self,
        field: str,
        value: Decimal | str | int | None,
        *,
        allow_negative: bool = False,
        allow_zero: bool = True,
        required: bool = True,
    ) -> Decimal | None:
        """Amounts in yuan with at most two decimal places (fen); floats are refused."""
        if value is None:
            if required:
                self.required(field, value)
            return None
        if isinstance(value, float | bool):
            self.fail(
                "MONEY_NOT_DECIMAL",
                field,
                "金额须以十进制字符串或整数提供，不接受浮点数",
                "must be given as a decimal string or integer, never a float",
            )
            return None
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail("MONEY_FORMAT", field, "金额格式无效", "is not a valid amount")
            return None
        if not amount.is_finite():
            self.fail("MONEY_FORMAT", field, "金额格式无效", "is not a valid amount")
            return None
        if -amount.as_tuple().exponent > 2:  # type: ignore[operator]
            self.fail(
                "MONEY_PRECISION",
                field,
                "金额最多保留两位小数（分）",
                "must have at most two decimal places (fen)",
            )
            return None
        if abs(amount) >= Decimal("1e14"):
            self.fail("OUT_OF_RANGE", field, "金额超出允许范围", "is out of the allowed range")
            return None
        if (amount < 0 and not allow_negative) or (amount == 0 and not allow_zero):
            self.fail(
                "MONEY_NOT_POSITIVE" if not allow_zero else "MONEY_NEGATIVE",
                field,
                "金额必须大于零" if not allow_zero else "金额不能为负数",
                "must be greater than zero" if not allow_zero else "must not be negative",
            )
            return None
        return amount.quantize(Decimal("0.01"))

    def ratio(
        self, field: str, value: Decimal | str | None, *, required: bool = True
    ) -> Decimal | None:
        """A fraction in [0, 1] with at most four decimal places (e.g. 0.2000 = 20 %)."""
        if value is None:
            if required:
                self.required(field, value)
            return None
        if isinstance(value, float | bool):
            self.fail(
                "RATIO_NOT_DECIMAL",
                field,
                "比例须以十进制字符串提供，不接受浮点数",
                "must be given as a decimal string, never a float",
            )
            return None
        try:
            ratio = Decimal(str(value).strip())
        except InvalidOperation:
            ratio = Decimal("NaN")
        if not ratio.is_finite() or not (Decimal(0) <= ratio <= Decimal(1)):
            self.fail("RATIO_OUT_OF_RANGE", field, "比例应在0到1之间", "must be between 0 and 1")
            return None
        if -ratio.as_tuple().exponent > 4:  # type: ignore[operator]
            self.fail(
                "RATIO_PRECISION", field, "比例最多四位小数", "must have at most 4 decimal places"
            )
            return None
        return ratio

    # -- time ------------------------------------------------------------------------------

    def aware(
        self, field: str, value: datetime | None, *, required: bool = True
    ) -> datetime | None:
        if value is None:
            if required:
                self.required(field, value)
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            self.fail(
                "TIMEZONE_REQUIRED",
                field,
                "时间必须带时区（例如 +08:00）",
                "must carry a time zone offset (e.g. +08:00)",
            )
            return None
        return value

    def in_order(
        self,
        earlier_field: str,
        earlier: date | datetime | None,
        later_field: str,
        later: date | datetime | None,
        *,
        code: str = "DATE_ORDER",
        rule: str | None = None,
        allow_equal: bool = True,
    ) -> bool:
        """``later`` must not come before ``earlier``; the error is reported on ``later``."""
        if earlier is None or later is None:
            return True
        wrong = later < earlier if allow_equal else later <= earlier
        if wrong:
            self.fail(
                code,
                later_field,
                f"不能早于{earlier_field}",
                f"must not be before {earlier_field}",
                rule=rule,
            )
            return False
        return True
