"""Bearer-token authentication shared by the GraphQL endpoint and bulk upload.

No ``Authorization`` header is the public role; a header that is not an acceptable bearer
token is HTTP 401, never a silent downgrade to public.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse

from server import tokens
from server.settings import Settings
from services.identity import PUBLIC, Identity
from services.principal_auth import identity_for


class AuthenticationFailed(Exception):
    """A token was sent but is not acceptable: HTTP 401, never silently public."""

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


async def authenticate(request: Request, session: AsyncSession, settings: Settings) -> Identity:
    """The identity behind the request's bearer token; ``PUBLIC`` without a header."""
    header = request.headers.get("authorization")
    if not header:
        return PUBLIC  # no token → the public role
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationFailed(
            "认证方式应为 Authorization: Bearer <令牌>",
            "expected 'Authorization: Bearer <token>'",
        )
    try:
        subject = tokens.verify(settings, token.strip())
    except tokens.TokenError as exc:
        raise AuthenticationFailed(f"令牌无效：{exc}", f"invalid token: {exc}") from exc
    identity = await identity_for(session, subject)
    if identity is None:
        raise AuthenticationFailed("用户不存在或已停用", "unknown or inactive principal")
    return identity
