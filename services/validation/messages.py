"""Error codes shared by several services, with their bilingual messages."""

from __future__ import annotations

from services.validation.checker import Checker


def duplicate(check: Checker, field: str, what_zh: str, what_en: str) -> None:
    check.fail("DUPLICATE", field, f"{what_zh}已存在", f"{what_en} already exists")


def unknown_reference(check: Checker, field: str, what_zh: str, what_en: str) -> None:
    """A referenced row does not exist (or is outside the writer's scope: same answer)."""
    check.fail("UNKNOWN_REFERENCE", field, f"{what_zh}不存在", f"no such {what_en}")
