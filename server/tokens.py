"""Bearer tokens: JWTs signed with the configured key, issuer, audience and expiry checked.

Every token carries a ``jti`` (so it can be revoked alone) and an ``iat`` (so a principal can
be logged out everywhere: tokens issued before its cut-off are refused). Both are required
when verifying; revocation itself is checked by ``server/revocation.py``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from server.settings import Settings
from services.token_lifetime import MAX_TOKEN_LIFETIME

ALGORITHM = "HS256"
JTI_BYTES = 16  # 128 random bits, 22 url-safe characters
EXPIRED = "Signature has expired"  # what PyJWT says of an expired token


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


class TokenVerifier:
    """``verify`` with a memory: a token that verified is not verified again until it
    expires (one per process, in the authenticator).

    Why: decoding and checking a JWT (base64, JSON, HMAC-SHA256, five claims) cost about
    0.14 ms, a tenth of a point lookup's server CPU (bench/RESULTS.md); clients send the same
    token for hours. What a token says cannot change while it is valid — its signature covers
    it — and the only check that depends on time, expiry, is made again on every use, as
    PyJWT makes it (valid while now < exp). Revocation is not remembered here: the
    authenticator asks the revocation cache on every request. Refused tokens are not kept.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.capacity = capacity  # distinct tokens, not requests: cleared when full
        self.clock = clock
        self._verified: dict[str, tuple[float, Claims]] = {}

    def verify(self, token: str) -> Claims:
        known = self._verified.get(token)
        if known is not None:
            if self.clock() < known[0]:
                return known[1]
            del self._verified[token]
            raise TokenError(EXPIRED)  # in PyJWT's words, as verify() would say it
        claims = verify(self.settings, token)
        if len(self._verified) >= self.capacity:
            self._verified.clear()
        self._verified[token] = (claims.expires_at.timestamp(), claims)
        return claims
