"""Identifiers that pass their standards' checks: GB 32100 credit codes, GB 11643 ID
numbers, mobile phone numbers. All drawn from the caller's ``random.Random``."""

from __future__ import annotations

import random
from datetime import date

from services.validation.credit_code import ALPHABET, check_character

# Registering authority + organisation type (GB 32100 table 1 and 2), by kind of body.
ENTERPRISE = "91"  # 工商 · 企业
SOLE_TRADER = "92"  # 工商 · 个体工商户
COOPERATIVE = "93"  # 工商 · 农民专业合作社
PUBLIC_INSTITUTION = "12"  # 机构编制 · 事业单位
SOCIAL_ORGANISATION = "51"  # 民政 · 社会团体
PRIVATE_NON_ENTERPRISE = "52"  # 民政 · 民办非企业单位
MILITARY_INSTITUTION = "A1"  # 中央军委改革和编制办公室 · 军队事业单位
VILLAGE_COLLECTIVE = "N2"  # 农业 · 村级集体经济组织
OTHER = "Y1"  # 其他

_BODY_SPACE = len(ALPHABET) ** 8
# Any multiplier coprime with 31 makes i -> i * m + c a bijection of the body space, so
# consecutive serial numbers give distinct, random-looking organisation codes.
_BODY_MULTIPLIER = 2_654_435_761
# GB 11714: character values (digits, then A=10 … Z=35) and weights of the organisation code.
_ORG_VALUE = {ch: int(ch, 36) for ch in ALPHABET}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE_PREFIXES = tuple(
    f"1{n}"
    for n in (
        30,
        31,
        32,
        33,
        35,
        36,
        37,
        38,
        39,
        50,
        51,
        52,
        53,
        55,
        56,
        57,
        58,
        59,
        66,
        73,
        77,
        80,
        81,
        82,
        83,
        85,
        86,
        87,
        88,
        89,
        91,
        98,
        99,
    )
)


def organisation_check(body8: str) -> str:
    """The 9th character of a GB 11714 organisation code."""
    remainder = 11 - sum(_ORG_VALUE[c] * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else "0" if remainder == 11 else str(remainder)


class CreditCodes:
    """Unique unified social credit codes: one serial counter over every kind of body."""

    def __init__(self, rng: random.Random) -> None:
        self._offset = rng.randrange(_BODY_SPACE)
        self._serial = 0

    def next(self, authority_and_type: str, region_code: str) -> str:
        n = (self._serial * _BODY_MULTIPLIER + self._offset) % _BODY_SPACE
        self._serial += 1
        chars = []
        for _ in range(8):
            n, digit = divmod(n, len(ALPHABET))
            chars.append(ALPHABET[digit])
        body = "".join(chars)
        first17 = authority_and_type + region_code + body + organisation_check(body)
        return first17 + check_character(first17)


def id_number(rng: random.Random, region_code: str, born: date) -> str:
    """An 18-character resident ID number (GB 11643) with a valid check character."""
    first17 = f"{region_code}{born:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + _ID_CHECK[total % 11]


def id_number_is_valid(text: str) -> bool:
    if len(text) != 18 or not text[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == text[17]


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
