"""Bearer tokens: JWTs signed with the configured key, issuer, audience and expiry checked.

Every token carries a ``jti`` (so it can be revoked alone) and an ``iat`` (so a principal can
be logged out everywhere: tokens issued before its cut-off are refused). Both are required
when verifying; revocation itself is checked by ``server/revocation.py``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from server.settings import Settings
from services.token_lifetime import MAX_TOKEN_LIFETIME

ALGORITHM = "HS256"
JTI_BYTES = 16  # 128 random bits, 22 url-safe characters


class TokenError(Exception):
    """The token is malformed, expired, or not ours; the request gets HTTP 401."""


@dataclass(frozen=True, slots=True)
class Claims:
    subject: str  # the principal's name
    jti: str
    issued_at: datetime  # whole seconds, as the token carries it
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    claims: Claims


def mint(
    settings: Settings,
    subject: str,
    *,
    ttl: timedelta | None = None,
    now: datetime | None = None,
) -> IssuedToken:
    """A signed token and what it says; ``ttl`` is capped at the longest lifetime allowed."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)  # JWT times are whole seconds
    lifetime = min(ttl or timedelta(hours=settings.token_ttl_hours), MAX_TOKEN_LIFETIME)
    claims = Claims(
        subject=subject,
        jti=secrets.token_urlsafe(JTI_BYTES),
        issued_at=now,
        expires_at=now + lifetime,
    )
    payload = {
        "sub": subject,
        "jti": claims.jti,
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": now,
        "nbf": now,
        "exp": claims.expires_at,
    }
    token = jwt.encode(payload, settings.token_secret.get_secret_value(), algorithm=ALGORITHM)
    return IssuedToken(token=token, claims=claims)


def issue(
    settings: Settings,
    subject: str,
    *,
    ttl: timedelta | None = None,
    now: datetime | None = None,
) -> str:
    return mint(settings, subject, ttl=ttl, now=now).token


def verify(settings: Settings, token: str) -> Claims:
    """The claims of a valid token (signature, issuer, audience, expiry checked)."""
    try:
        claims = jwt.decode(
            token,
            settings.token_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.token_audience,
            issuer=settings.token_issuer,
            # A token without jti or iat could never be revoked: refuse it.
            options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]},
        )
    except jwt.PyJWTError as exc:
        raise TokenError(str(exc)) from exc
    try:
        return Claims(
            subject=str(claims["sub"]),
            jti=str(claims["jti"]),
            issued_at=datetime.fromtimestamp(int(claims["iat"]), UTC),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except (TypeError, ValueError, OverflowError) as exc:
        raise TokenError(f"malformed claims: {exc}") from exc
