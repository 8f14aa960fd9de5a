"""Checks of text and of the identifiers people type (credit codes, phones, ID numbers)."""

from __future__ import annotations

import re
import unicodedata

from services.validation import credit_code as uscc
from services.validation import resident_id
from services.validation.collector import ErrorCollector

# Multi-line free text (content, process, answers) may keep line breaks and tabs;
# every other control character, NUL first of all, is refused.
_MULTILINE_ALLOWED = {"\n", "\t", "\r"}

# Mainland mobile numbers, and landlines with their area code (010, 02x, or 0 + three digits),
# a 7- or 8-digit subscriber number not starting with 0 or 1, and an optional extension.
_PHONE = re.compile(r"1[3-9]\d{9}|0(?:10|2\d|[3-9]\d{2})-?[2-9]\d{6,7}(?:-\d{1,6})?")


class TextChecks(ErrorCollector):
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
        # Printable text holds no Cc or Cs character: skip the per-character scan (it is
        # most of the cost of validating a bulk upload's lines).
        bad = (
            []
            if cleaned.isprintable()
            else [
                ch
                for ch in cleaned
                if unicodedata.category(ch) in ("Cc", "Cs")
                and not (multiline and ch in _MULTILINE_ALLOWED)
            ]
        )
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

    def pattern(
        self,
        field: str,
        value: str | None,
        regex: re.Pattern[str],
        *,
        code: str,
        zh: str,
        en: str,
        max_len: int,
        required: bool = True,
        rule: str | None = None,
    ) -> str | None:
        """Text that must match ``regex`` entirely; ``code`` and the messages say what shape."""
        text = self.text(field, value, max_len=max_len, required=required)
        if text is None:
            return None
        if not regex.fullmatch(text):
            self.fail(code, field, zh, en, rule=rule)
            return None
        return text

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

    def phone(self, field: str, value: str | None, *, required: bool = False) -> str | None:
        """A mainland mobile number or a landline with its area code (e.g. 0755-86001234)."""
        return self.pattern(
            field,
            value,
            _PHONE,
            code="PHONE_FORMAT",
            zh="电话号码应为11位手机号或带区号的固定电话（如0755-86001234）",
            en="must be an 11-digit mobile number or a landline with area code (0755-86001234)",
            max_len=32,
            required=required,
        )

    def resident_id(self, field: str, value: str | None, *, required: bool = False) -> str | None:
        """An 18-character resident identity card number, GB 11643 (公民身份号码)."""
        text = self.text(field, value, max_len=32, required=required)
        if text is None:
            return None
        problem = resident_id.problem(text)
        if problem is not None:
            self.fail("ID_NUMBER_INVALID", field, *problem)
            return None
        return resident_id.normalize(text)
