"""Valid identifiers for tests, built with the same check arithmetic the validators use."""

from __future__ import annotations

import itertools

from services.validation.credit_code import ALPHABET, check_character

_serial = itertools.count(1)


def credit_code(region: str = "440300", authority: str = "9", category: str = "1") -> str:
    """A fresh, valid unified social credit code (GB 32100)."""
    n = next(_serial)
    org = "".join(ALPHABET[(n // 31**i) % 31] for i in range(9))[::-1]
    first17 = f"{authority}{category}{region}{org}"
    return first17 + check_character(first17)
