"""GB 32100 unified social credit codes, including the authorities python-stdnum rejects."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc as stdnum_uscc

from services.validation import credit_code


def _with_check(first17: str) -> str:
    return first17 + credit_code.check_character(first17)


def test_published_example_is_valid() -> None:
    assert credit_code.is_valid("91110000600037341L")


@pytest.mark.parametrize("authority", ["A", "N", "Y"])
def test_letter_authorities_are_accepted_although_stdnum_rejects_them(authority: str) -> None:
    code = _with_check(f"{authority}1110000600037341")
    assert credit_code.is_valid(code)
    assert not stdnum_uscc.is_valid(code)  # the pitfall this module exists for


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("9111000060003734", "CREDIT_CODE_LENGTH"),
        ("91110000600037341LL", "CREDIT_CODE_LENGTH"),
        ("9111000060003734IL", "CREDIT_CODE_CHARACTERS"),  # I is not in the alphabet
        ("B1110000600037341L", "CREDIT_CODE_AUTHORITY"),
        ("911100A0600037341L", "CREDIT_CODE_REGION"),
        ("91110000600037341X", "CREDIT_CODE_CHECKSUM"),
    ],
)
def test_problems_have_stable_codes(text: str, code: str) -> None:
    problem = credit_code.problem(text)
    assert problem is not None
    assert problem[0] == code
    assert problem[1]  # Chinese message
    assert problem[2]  # English message


def test_spaces_hyphens_and_case_are_normalised() -> None:
    assert credit_code.normalize(" 9111-0000 600037341l ") == "91110000600037341L"
    assert credit_code.is_valid("9111-0000 600037341l")


def test_check_character_agrees_with_stdnum_on_digit_authorities() -> None:
    for first17 in ("91440300MA5DC8XX0", "12100000400000624", "53100000500021676"):
        assert credit_code.check_character(first17) == stdnum_uscc.calc_check_digit(first17)
