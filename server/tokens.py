"""Bearer tokens: JWTs signed with the configured key, issuer, audience and expiry checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from server.settings import Settings

ALGORITHM = "HS256"


class TokenError(Exception):
    """The token is malformed, expired, or not ours; the request gets HTTP 401."""


def issue(settings: Settings, subject: str, *, ttl: timedelta | None = None) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": subject,
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": now,
        "nbf": now,
        "exp": now + (ttl or timedelta(hours=settings.token_ttl_hours)),
    }
    return jwt.encode(claims, settings.token_secret.get_secret_value(), algorithm=ALGORITHM)


def verify(settings: Settings, token: str) -> str:
    """The subject (principal name) of a valid token."""
    try:
        claims = jwt.decode(
            token,
            settings.token_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.token_audience,
            issuer=settings.token_issuer,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise TokenError(str(exc)) from exc
    return str(claims["sub"])
