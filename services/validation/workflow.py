"""Error codes shared by the service-workflow services, with their bilingual messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.validation.checker import Checker
from store.enums import ServiceCategory

# Largest agreed frequency of one service item: daily service all year round.
MAX_FREQUENCY_PER_YEAR = 366


class ServiceItemLike(Protocol):
    @property
    def category(self) -> ServiceCategory | str: ...

    @property
    def frequency_per_year(self) -> int: ...


def check_service_items(
    check: Checker, items: Sequence[ServiceItemLike], *, rule: str
) -> list[tuple[ServiceCategory, int] | None]:
    """Items with their frequency (R-4.1-contract): at least one, each category once.

    Returns one (category, frequency) per item, ``None`` where that item was refused.
    """
    check.non_empty("items", items, rule=rule)
    seen: set[ServiceCategory] = set()
    cleaned: list[tuple[ServiceCategory, int] | None] = []
    for i, item in enumerate(items):
        category = check.enum(f"items[{i}].category", item.category, ServiceCategory)
        if category is not None and category in seen:
            check.fail(
                "DUPLICATE_CATEGORY",
                f"items[{i}].category",
                f"服务项目“{category.label_zh}”重复，每类服务只能约定一次频次",
                f"service category '{category.value}' is listed twice; agree one frequency each",
                rule=rule,
            )
            category = None
        elif category is not None:
            seen.add(category)
        frequency = check.integer(
            f"items[{i}].frequencyPerYear",
            item.frequency_per_year,
            min_value=1,
            max_value=MAX_FREQUENCY_PER_YEAR,
        )
        cleaned.append(None if category is None or frequency is None else (category, frequency))
    return cleaned


def duplicate_ids(
    check: Checker, field: str, ids: Sequence[int], what_zh: str, what_en: str
) -> None:
    """Each id of a list at most once, reported on the repeated position (``staffIds[2]``)."""
    seen: set[int] = set()
    for i, key in enumerate(ids):
        if key in seen:
            check.fail(
                "DUPLICATE_ENTRY",
                f"{field}[{i}]",
                f"{what_zh}重复",
                f"{what_en} is listed twice",
            )
        seen.add(key)


def not_allowed(
    check: Checker, field: str, why_zh: str, why_en: str, *, rule: str | None = None
) -> None:
    """A field that must stay empty in this case (e.g. a correction target on an allocation)."""
    check.fail(
        "NOT_ALLOWED", field, f"此处不能填写：{why_zh}", f"must be empty: {why_en}", rule=rule
    )


def invalid_transition(
    check: Checker, field: str, current: str, wanted: str, *, rule: str | None = None
) -> None:
    check.fail(
        "INVALID_TRANSITION",
        field,
        f"当前状态“{current}”不能变更为“{wanted}”",
        f"cannot go from status '{current}' to '{wanted}'",
        rule=rule,
    )


def record_not_completed(check: Checker, field: str, *, rule: str) -> None:
    """Follow-ups and confirmations exist only for completed services (clause 6.3)."""
    check.fail(
        "RECORD_NOT_COMPLETED",
        field,
        "该服务尚未完成",
        "the service has not been completed yet",
        rule=rule,
    )


def not_latest(check: Checker, code: str, field: str, latest_version: int, *, rule: str) -> None:
    """Only the current version may be revised: versions form a chain, never a fork."""
    check.fail(
        code,
        field,
        f"只能修订最新版本（当前为第{latest_version}版）",
        f"only the latest version can be revised (currently version {latest_version})",
        rule=rule,
    )


# Free-text parts of schemes, records, answers and reports: generous, but bounded.
LONG_TEXT = 10_000


def required_text(
    check: Checker,
    field: str,
    value: str | None,
    *,
    rule: str,
    code: str = "REQUIRED",
    what_zh: str | None = None,
    what_en: str | None = None,
    max_len: int = LONG_TEXT,
) -> str | None:
    """A multi-line text the standard requires; missing, it is reported with ``rule``.

    ``code`` and ``what_*`` name the missing part where the standard lists parts (the three
    parts of a complaint answer, the six sections of an evaluation report).
    """
    if value is None or not value.strip():
        if what_zh is not None and what_en is not None:
            zh, en = f"缺少“{what_zh}”", f"the part '{what_en}' is missing"
        else:
            zh, en = "必填项不能为空", "is required"
        check.fail(code, field, zh, en, rule=rule)
        return None
    return check.text(field, value, max_len=max_len, multiline=True)


def present(check: Checker, field: str, value: object, *, rule: str) -> bool:
    """A non-text value the standard requires (a budget, a date agreed)."""
    if value is None:
        check.fail("REQUIRED", field, "必填项不能为空", "is required", rule=rule)
        return False
    return True
