"""API key strings: format, parsing, hashing, constant-time verification (no database)."""

from __future__ import annotations

import re

import pytest

from services import api_key_material as material

KEY = re.compile(r"azx_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")


def test_generated_keys_have_the_documented_shape_and_differ() -> None:
    keys = [material.generate() for _ in range(200)]
    for key in keys:
        assert KEY.fullmatch(key.key), key.key
    assert len({k.prefix for k in keys}) == len(keys)
    assert len({k.secret for k in keys}) == len(keys)


def test_parse_round_trips_even_when_the_secret_holds_the_separator() -> None:
    key = material.KeyMaterial(prefix="ab12cd34", secret="_" * 8 + "-x" * 16 + "yz_")
    assert len(key.secret) == 43  # like a generated one
    assert material.parse(key.key) == key


@pytest.mark.parametrize(
    "text",
    [
        "",
        "azx_",
        "azx_ab12cd34",  # no secret
        "azx_AB12CD34_" + "a" * 43,  # upper-case prefix
        "azx_ab12cd3_" + "a" * 43,  # short prefix
        "azx_ab12cd34_" + "a" * 42,  # short secret
        "azx_ab12cd34_" + "a" * 44,  # long secret
        "azx_ab12cd34_" + "a" * 42 + "=",  # padding is not url-safe base64 without padding
        "azk_ab12cd34_" + "a" * 43,
        " azx_ab12cd34_" + "a" * 43,
        "eyJhbGciOiJIUzI1NiJ9.e30.sig",  # a JWT
    ],
)
def test_parse_refuses_malformed_keys(text: str) -> None:
    assert material.parse(text) is None


def test_hash_is_sha256_hex_of_the_secret_only() -> None:
    key = material.generate()
    assert re.fullmatch(r"[0-9a-f]{64}", key.secret_hash)
    assert key.secret_hash == material.hash_secret(key.secret)
    assert key.secret not in key.secret_hash and key.prefix not in key.secret_hash


def test_secret_matches_only_the_right_secret() -> None:
    key = material.generate()
    other = material.generate()
    assert material.secret_matches(key.secret, key.secret_hash)
    assert not material.secret_matches(other.secret, key.secret_hash)
    tampered = key.secret[:-1] + ("B" if key.secret.endswith("A") else "A")
    assert not material.secret_matches(tampered, key.secret_hash)


def test_api_keys_are_told_from_jwts_by_their_scheme() -> None:
    assert material.looks_like_api_key(material.generate().key)
    assert not material.looks_like_api_key("eyJhbGciOiJIUzI1NiJ9.e30.sig")
