"""The error list every check appends to; raised as one InputError before any write."""

from __future__ import annotations

from services.errors import FieldError, InputError


class ErrorCollector:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, code: str, field: str, zh: str, en: str, *, rule: str | None = None) -> None:
        self.errors.append(FieldError(code, field, zh, en, rule))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors)

    def required(self, field: str, value: object) -> bool:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.fail("REQUIRED", field, "必填项不能为空", "is required")
            return False
        return True
