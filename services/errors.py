"""Domain errors with stable codes, raised where the rule lives (EXAMPLES #7).

One place (the GraphQL error formatter / HTTP handler) turns them into responses; the
codes and field paths are a public contract, so they never change meaning once shipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One thing wrong with one input field."""

    code: str
    field: str  # camelCase path as the client wrote it, e.g. "hazards[1].toldAt"
    message_zh: str
    message_en: str
    rule: str | None = None  # the STANDARD.md id behind the check, when there is one

    def as_dict(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "field": self.field,
            "messageZh": self.message_zh,
            "messageEn": self.message_en,
            "rule": self.rule,
        }


class DomainError(Exception):
    """Base of every outcome a client should expect, carrying a stable code."""

    code: str = "DOMAIN_ERROR"

    def __init__(self, message_zh: str, message_en: str, *, code: str | None = None) -> None:
        super().__init__(message_en)
        if code is not None:
            self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


class InputError(DomainError):
    """The input was refused; ``errors`` lists every field at fault, nothing was written."""

    code = "INVALID_INPUT"

    def __init__(self, errors: list[FieldError]) -> None:
        if not errors:
            raise ValueError("InputError needs at least one FieldError")
        self.errors = list(errors)
        super().__init__(
            "输入有误：" + "；".join(f"{e.field}: {e.message_zh}" for e in self.errors),
            "Invalid input: " + "; ".join(f"{e.field}: {e.message_en}" for e in self.errors),
        )

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]


class NotFoundError(DomainError):
    """Absent, or outside the caller's scope: the two are indistinguishable on purpose."""

    code = "NOT_FOUND"

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"未找到{kind}：{key}", f"{kind} not found: {key}")
        self.kind = kind
        self.key = key


class ConflictError(DomainError):
    """The write contradicts what is stored (a duplicate key, a closed record)."""

    code = "CONFLICT"
