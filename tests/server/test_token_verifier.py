"""server.tokens.TokenVerifier: a token verified once is not decoded again, but its expiry is
checked on every use, and a refused token is never remembered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pydantic import SecretStr

from server import tokens
from server.settings import Settings

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _settings() -> Settings:
    return Settings(database_url="sqlite+aiosqlite://")


def test_a_verified_token_is_not_decoded_again(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings()
    token = tokens.issue(settings, "ops-admin", ttl=timedelta(hours=1))
    decoded: list[str] = []
    real_decode = jwt.decode

    def counting_decode(*args: object, **kwargs: object) -> object:
        decoded.append("decode")
        return real_decode(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jwt, "decode", counting_decode)
    verifier = tokens.TokenVerifier(settings)
    first = verifier.verify(token)
    again = verifier.verify(token)
    assert again == first and first.subject == "ops-admin"
    assert decoded == ["decode"]


def test_expiry_is_checked_on_every_use() -> None:
    settings = _settings()
    issued = tokens.mint(settings, "ops-admin", ttl=timedelta(minutes=5))
    clock = [issued.claims.issued_at.timestamp() + 1]
    verifier = tokens.TokenVerifier(settings, clock=lambda: clock[0])
    assert verifier.verify(issued.token).jti == issued.claims.jti
    clock[0] = issued.claims.expires_at.timestamp()  # PyJWT: expired when exp <= now
    with pytest.raises(tokens.TokenError, match="expired"):
        verifier.verify(issued.token)


def test_refused_tokens_are_not_remembered() -> None:
    settings = _settings()
    other_secret = SecretStr("another-secret-of-enough-length")
    other = settings.model_copy(update={"token_secret": other_secret})
    forged = tokens.issue(other, "ops-admin")
    verifier = tokens.TokenVerifier(settings)
    for _ in range(2):
        with pytest.raises(tokens.TokenError, match="Signature"):
            verifier.verify(forged)
    assert verifier.verify(tokens.issue(settings, "ops-admin")).subject == "ops-admin"


def test_the_memory_is_bounded() -> None:
    settings = _settings()
    verifier = tokens.TokenVerifier(settings, capacity=3)
    for name in ("a", "b", "c", "d", "e"):
        verifier.verify(tokens.issue(settings, name))
    assert len(verifier._verified) <= 3
