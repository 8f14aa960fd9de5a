"""Valid identifiers for tests, built with the same check arithmetic the validators use."""

from __future__ import annotations

import itertools

from services.validation.credit_code import ALPHABET, check_character
from services.validation.resident_id import check_character as resident_id_check

_serial = itertools.count(1)


def credit_code(region: str = "440300", authority: str = "9", category: str = "1") -> str:
    """A fresh, valid unified social credit code (GB 32100)."""
    n = next(_serial)
    org = "".join(ALPHABET[(n // 31**i) % 31] for i in range(9))[::-1]
    first17 = f"{authority}{category}{region}{org}"
    return first17 + check_character(first17)


def resident_id(region: str = "440305", born: str = "19850315", serial: str = "123") -> str:
    """A valid resident identity card number (GB 11643) with its check character."""
    first17 = f"{region}{born}{serial}"
    return first17 + resident_id_check(first17)
