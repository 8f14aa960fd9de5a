"""Checks of enums, integers, row ids and lists."""

from __future__ import annotations

import enum
from collections.abc import Sized
from typing import TypeVar

from services.validation.collector import ErrorCollector

E = TypeVar("E", bound=enum.Enum)

# Row ids are 64-bit on PostgreSQL; a larger integer would fail in the driver, not here.
MAX_ID = 2**63 - 1


class ScalarChecks(ErrorCollector):
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
            zh, en = _range_words(min_value, max_value)
            self.fail("OUT_OF_RANGE", field, zh, en)
            return None
        return value

    def identifier(self, field: str, value: int | None, *, required: bool = True) -> int | None:
        """A row id given as a reference; whether the row exists is the caller's lookup."""
        return self.integer(field, value, min_value=1, max_value=MAX_ID, required=required)

    def non_empty(self, field: str, values: Sized, *, rule: str | None = None) -> bool:
        """A list input that needs at least one element."""
        if len(values) == 0:
            self.fail("AT_LEAST_ONE", field, "至少需要一项", "needs at least one entry", rule=rule)
            return False
        return True


def _range_words(low: int | None, high: int | None) -> tuple[str, str]:
    if low is not None and high is not None:
        return f"取值应在{low}到{high}之间", f"must be between {low} and {high}"
    if low is not None:
        return f"取值不能小于{low}", f"must be at least {low}"
    return f"取值不能大于{high}", f"must be at most {high}"
