"""Authentication shared by the GraphQL endpoint and bulk upload: credential -> identity.

No credential is the public role; a credential that is not acceptable (malformed, unknown,
expired, revoked, of an inactive principal) is HTTP 401 ``UNAUTHENTICATED`` with a Chinese
and an English reason, never a silent downgrade to public. Credentials are bearer JWTs
(``server/tokens.py``, revocation in ``server/revocation.py``) and API keys
(``services/api_keys.py``, use recorded by ``server/api_key_usage.py``).

Authentication reads through sessions of its own, closed before the request's transaction
begins: the request's transaction never holds authentication's reads or last-use writes.
"""

from __future__ import annotations

import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse

from server import tokens
from server.api_key_usage import ApiKeyUsage
from server.credentials import presented_credential
from server.revocation import RevocationCache
from server.settings import Settings
from services.api_keys import authenticate_api_key
from services.credential_errors import CredentialRefused
from services.identity import PUBLIC, Identity
from services.principal_auth import identity_for
from store.base import utcnow


class AuthenticationFailed(Exception):
    """A credential was sent but is not acceptable: HTTP 401, never silently public."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en

    def response(self) -> JSONResponse:
        """The GraphQL-shaped 401 (``errors[0].extensions.code``)."""
        error = {
            "message": self.reason_en,
            "extensions": {"code": "UNAUTHENTICATED", "messageZh": self.reason_zh},
        }
        return JSONResponse(
            {"errors": [error]}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )


def _inactive() -> CredentialRefused:
    return CredentialRefused("用户不存在或已停用", "unknown or inactive principal")


class Authenticator:
    """One per process: owns the revocation cache and the API-key use throttle."""

    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.revocations = RevocationCache(
            sessions,
            refresh_seconds=settings.auth_refresh_seconds,
            reload_seconds=settings.auth_reload_seconds,
        )
        self.usage = ApiKeyUsage(sessions)
        self.tokens = tokens.TokenVerifier(settings)  # signatures checked once per token
        # A token's principal and role bindings, kept for the revocation bound (the same
        # AUTH_REFRESH_SECONDS): a deactivated principal or an edited binding is seen within
        # it, and a request with a token then needs no authentication statement at all.
        self._identities: dict[str, tuple[float, Identity | None]] = {}
        self.clock = time.monotonic

    async def authenticate(self, request: Request) -> Identity:
        """The identity behind the request's credential; ``PUBLIC`` without one."""
        try:
            presented = presented_credential(request.headers)
            if presented is None:
                return PUBLIC  # no credential → the public role
            if presented.kind == "api_key":
                return await self._by_api_key(presented.value)
            return await self._by_token(presented.value)
        except CredentialRefused as refused:
            raise AuthenticationFailed(refused.message_zh, refused.message_en) from refused

    async def _by_token(self, token: str) -> Identity:
        try:
            claims = self.tokens.verify(token)
        except tokens.TokenError as exc:
            raise CredentialRefused(f"令牌无效：{exc}", f"invalid token: {exc}") from exc
        refusal = (await self.revocations.current()).refusal(claims)
        if refusal is not None:
            raise CredentialRefused(*refusal)
        identity = await self._identity(claims.subject)
        if identity is None:
            raise _inactive()
        return identity

    async def _identity(self, name: str) -> Identity | None:
        ttl = self.settings.auth_refresh_seconds
        now = self.clock()
        cached = self._identities.get(name)
        if ttl > 0 and cached is not None and now - cached[0] < ttl:
            return cached[1]
        async with self.sessions() as session:
            identity = await identity_for(session, name)
        if ttl > 0:
            if len(self._identities) > 10_000:  # bounded: principals, not requests
                self._identities.clear()
            self._identities[name] = (now, identity)
        return identity

    async def _by_api_key(self, key: str) -> Identity:
        now = utcnow()
        async with self.sessions() as session:
            use = await authenticate_api_key(session, key, now)
            identity = await identity_for(session, use.principal_name)
        if identity is None:
            raise _inactive()
        await self.usage.record(use.key_id, now)  # after the reads ended: its own transaction
        return identity
