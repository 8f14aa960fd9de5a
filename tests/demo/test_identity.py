"""Generated identifiers pass their standards' checks."""

from __future__ import annotations

import random
import re
from datetime import date

from services.validation import credit_code
from store.demo import identity
from store.demo.generate import generate

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def test_credit_codes_are_valid_and_unique_for_every_kind_of_body() -> None:
    codes = identity.CreditCodes(random.Random(1))
    authorities = (
        identity.ENTERPRISE,
        identity.PUBLIC_INSTITUTION,
        identity.SOCIAL_ORGANISATION,
        identity.OTHER,
        identity.VILLAGE_COLLECTIVE,
        identity.MILITARY_INSTITUTION,
    )
    made = [codes.next(a, "419001") for a in authorities for _ in range(500)]
    assert len(set(made)) == len(made)
    assert all(credit_code.is_valid(c) for c in made)
    assert {c[0] for c in made} == {"9", "1", "5", "Y", "N", "A"}
    assert all(c[2:8] == "419001" for c in made)


def test_every_credit_code_of_the_demo_data_set_is_valid() -> None:
    seen: list[str] = []
    for chunk in generate("demo", 7):
        if "credit_code" in chunk.columns:
            i = chunk.columns.index("credit_code")
            seen.extend(str(row[i]) for row in chunk.rows)
    assert len(seen) > 300
    assert [c for c in seen if not credit_code.is_valid(c)] == []
    assert len(set(seen)) == len(seen)


def test_id_numbers_carry_the_gb11643_check_character() -> None:
    rng = random.Random(3)
    numbers = [identity.id_number(rng, "440106", date(1980, 5, 17)) for _ in range(1000)]
    assert all(identity.id_number_is_valid(n) for n in numbers)
    assert all(n.startswith("44010619800517") for n in numbers)
    assert identity.id_number_is_valid("11010519491231002X")  # the standard's own example
    assert not identity.id_number_is_valid("110105194912310021")


def test_mobile_numbers_look_like_mainland_numbers() -> None:
    rng = random.Random(5)
    assert all(_MOBILE.match(identity.mobile(rng)) for _ in range(1000))


def test_organisation_code_check_character() -> None:
    assert identity.organisation_check("D2143569") == "X"  # GB 11714 worked example
