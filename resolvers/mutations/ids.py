"""Global ids in mutation inputs → row ids, every bad one reported at once (BAD_ID)."""

from __future__ import annotations

from collections.abc import Sequence

from schema.ids import BadGlobalId, parse_int_id
from services.errors import FieldError, InputError


class IdReader:
    """Collects BAD_ID errors; call ``raise_if_any()`` before using what it returned.

    A refused required id reads as 0, a value no service ever receives because
    ``raise_if_any()`` raises first; that keeps the returned types those of the services'
    dataclasses.
    """

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def one(self, field: str, value: str, type_name: str) -> int:
        try:
            return parse_int_id(value, type_name)
        except BadGlobalId:
            self.errors.append(
                FieldError(
                    "BAD_ID",
                    field,
                    f"编号无效：应为 {type_name} 的全局编号，如 {type_name}:42",
                    f"not a {type_name} id; expected a global id such as {type_name}:42",
                )
            )
            return 0

    def maybe(self, field: str, value: str | None, type_name: str) -> int | None:
        return None if value is None else self.one(field, value, type_name)

    def many(self, field: str, values: Sequence[str], type_name: str) -> tuple[int, ...]:
        return tuple(self.one(f"{field}[{i}]", v, type_name) for i, v in enumerate(values))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors)
