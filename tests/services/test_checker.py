"""Unit tests of the general checks of ``services.validation.Checker``."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from services.validation import Checker
from services.validation.checker import MAX_ID
from tests.factories.codes import resident_id

# -- checks added with the reference and organisation services (issue 2) -------------------
# pattern, identifier, phone, resident_id, decimal, not_future


def _codes(check: Checker) -> list[tuple[str, str]]:
    return [(e.code, e.field) for e in check.errors]


def test_pattern_matches_the_whole_text() -> None:
    check = Checker()
    regex = re.compile(r"[a-z]{3}")
    kwargs: dict[str, Any] = {"code": "SHAPE", "zh": "形状", "en": "shape", "max_len": 8}
    assert check.pattern("f", " abc ", regex, **kwargs) == "abc"
    assert check.pattern("f", "abcd", regex, **kwargs) is None
    assert check.pattern("g", None, regex, required=False, **kwargs) is None
    assert check.pattern("h", "a" * 9, regex, **kwargs) is None
    assert _codes(check) == [("SHAPE", "f"), ("TOO_LONG", "h")]


def test_pattern_cites_its_rule() -> None:
    check = Checker()
    check.pattern(
        "f", "x", re.compile("y"), code="C", zh="z", en="e", max_len=4, rule="R-7.1-staff"
    )
    assert check.errors[0].rule == "R-7.1-staff"


@pytest.mark.parametrize(
    ("value", "code"),
    [(1, None), (MAX_ID, None), (0, "OUT_OF_RANGE"), (MAX_ID + 1, "OUT_OF_RANGE"),
     ("7", "NOT_AN_INTEGER"), (True, "NOT_AN_INTEGER"), (None, "REQUIRED")],
)  # fmt: skip
def test_identifier(value: Any, code: str | None) -> None:
    check = Checker()
    result = check.identifier("insurerId", value)
    assert [e.code for e in check.errors] == ([code] if code else [])
    assert result == (value if code is None else None)


def test_identifier_may_be_optional() -> None:
    check = Checker()
    assert check.identifier("agencyId", None, required=False) is None
    assert check.errors == []


@pytest.mark.parametrize(
    "phone",
    ["13800138000", "19912345678", "010-62345678", "01062345678", "021-5234567",
     "0755-86001234", "0755-86001234-801", "0371-6523456"],
)  # fmt: skip
def test_phone_accepts(phone: str) -> None:
    check = Checker()
    assert check.phone("phone", phone) == phone
    assert check.errors == []


@pytest.mark.parametrize(
    "phone",
    ["12800138000", "1380013800", "138001380000", "+8613800138000", "86001234",
     "0755-06001234", "755-86001234", "0755-860012345", "0755 86001234", "电话13800138000"],
)  # fmt: skip
def test_phone_refuses(phone: str) -> None:
    check = Checker()
    assert check.phone("phone", phone) is None
    assert _codes(check) == [("PHONE_FORMAT", "phone")]


def test_phone_is_optional_by_default() -> None:
    check = Checker()
    assert check.phone("phone", None) is None
    assert check.phone("phone", "  ") is None
    assert check.phone("phone", None, required=True) is None
    assert _codes(check) == [("REQUIRED", "phone")]


def test_resident_id_accepts_and_normalises() -> None:
    check = Checker()
    assert check.resident_id("idNumber", "360426199101010071") == "360426199101010071"
    assert check.resident_id("idNumber", " 44030519850315106x ") == "44030519850315106X"
    # 370181 章丘市 became a district in 2016; numbers issued there stay valid, although
    # stdnum.cn.ric, lacking the code in its bundled list, refuses them.
    assert check.resident_id("idNumber", resident_id(region="370181")) is not None
    assert check.errors == []


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("36042619910101007", "17 characters"),
        ("3604261991010100711", "19 characters"),
        ("36042619910101007Y", "bad check character"),
        ("3604261991O101007X", "letter among the digits"),
        (resident_id(born="19910230"), "30 February"),
        (resident_id(born="19911301"), "month 13"),
        ("360426199101010072", "wrong check digit"),
    ],
)
def test_resident_id_refuses(number: str, why: str) -> None:
    check = Checker()
    assert check.resident_id("idNumber", number) is None, why
    assert _codes(check) == [("ID_NUMBER_INVALID", "idNumber")]
    assert check.errors[0].message_zh and check.errors[0].message_en


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3.5", Decimal("3.5")), (" 8 ", Decimal("8.0")), (2, Decimal("2.0")),
     (Decimal("9999.9"), Decimal("9999.9")), ("0.1", Decimal("0.1"))],
)  # fmt: skip
def test_decimal_accepts(value: Any, expected: Decimal) -> None:
    check = Checker()
    result = check.decimal("hours", value, places=1, max_digits=5, positive=True)
    assert result == expected
    assert result is not None and result.as_tuple().exponent == -1
    assert check.errors == []


@pytest.mark.parametrize(
    ("value", "code"),
    [(3.5, "NUMBER_NOT_DECIMAL"), (True, "NUMBER_NOT_DECIMAL"), ("3,5", "NUMBER_FORMAT"),
     ("NaN", "NUMBER_FORMAT"), ("Infinity", "NUMBER_FORMAT"), ("3.25", "NUMBER_PRECISION"),
     ("10000", "OUT_OF_RANGE"), ("0", "NOT_POSITIVE"), ("-1", "NOT_POSITIVE"),
     (None, "REQUIRED")],
)  # fmt: skip
def test_decimal_refuses(value: Any, code: str) -> None:
    check = Checker()
    assert check.decimal("hours", value, places=1, max_digits=5, positive=True) is None
    assert _codes(check) == [(code, "hours")]


def test_decimal_zero_and_negative_without_positive() -> None:
    check = Checker()
    assert check.decimal("score", "0", places=2, max_digits=5) == Decimal("0.00")
    assert check.decimal("score", "-0.5", places=2, max_digits=5) is None
    assert _codes(check) == [("NEGATIVE", "score")]


def test_not_future() -> None:
    today = date(2024, 6, 1)
    check = Checker()
    assert check.not_future("trainedOn", today, today)
    assert check.not_future("trainedOn", date(2020, 1, 1), today)
    assert check.not_future("trainedOn", None, today)
    assert not check.not_future("trainedOn", date(2024, 6, 2), today, rule="R-7.1-staff")
    assert not check.not_future("doneOn", date(2025, 1, 1), today, code="DONE_IN_FUTURE")
    assert _codes(check) == [("DATE_IN_FUTURE", "trainedOn"), ("DONE_IN_FUTURE", "doneOn")]
    assert check.errors[0].rule == "R-7.1-staff"


# -- checks added with the service-workflow services (issue 2, items 4-5) -------------------
# day, non_empty


def test_day_accepts_a_date() -> None:
    check = Checker()
    assert check.day("plannedOn", date(2024, 3, 1)) == date(2024, 3, 1)
    assert check.day("dueOn", None, required=False) is None
    assert check.errors == []


def test_day_refuses_a_datetime_and_a_missing_value() -> None:
    # A datetime is a date subclass; a DATE column would silently drop its time and zone.
    check = Checker()
    assert check.day("plannedOn", datetime(2024, 3, 1, 9, tzinfo=UTC)) is None
    assert check.day("periodStart", None) is None
    assert _codes(check) == [("NOT_A_DATE", "plannedOn"), ("REQUIRED", "periodStart")]
    assert check.errors[0].message_zh and check.errors[0].message_en


def test_non_empty() -> None:
    check = Checker()
    assert check.non_empty("items", [1])
    assert not check.non_empty("items", (), rule="R-4.1-contract")
    assert not check.non_empty("staffIds", [])
    assert _codes(check) == [("AT_LEAST_ONE", "items"), ("AT_LEAST_ONE", "staffIds")]
    assert [e.rule for e in check.errors] == ["R-4.1-contract", None]
