"""The GraphQL endpoint: authenticates the bearer token and builds the request context."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from resolvers.context import RequestContext
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
        error = {
            "message": self.reason_en,
            "extensions": {"code": "UNAUTHENTICATED", "messageZh": self.reason_zh},
        }
        return JSONResponse(
            {"errors": [error]}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )


class GatewayGraphQL(GraphQL[RequestContext, None]):
    def __init__(
        self, schema: Any, settings: Settings, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=False,
        )
        self.settings = settings
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except AuthenticationFailed as failure:
            await failure.response()(scope, receive, send)
        finally:
            # The RequestTransaction extension closes the session after a completed
            # operation; this catches requests that failed before one ran.
            session = scope.get("state", {}).pop("session", None)
            if session is not None:
                await session.close()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        assert isinstance(request, Request) and isinstance(response, Response)
        session = self.sessions()
        request.state.session = session
        identity = await self._authenticate(request, session)
        return RequestContext(
            request=request, response=response, session=session, identity=identity
        )

    async def _authenticate(self, request: Request, session: AsyncSession) -> Identity:
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
            subject = tokens.verify(self.settings, token.strip())
        except tokens.TokenError as exc:
            raise AuthenticationFailed(f"令牌无效：{exc}", f"invalid token: {exc}") from exc
        identity = await identity_for(session, subject)
        if identity is None:
            raise AuthenticationFailed("用户不存在或已停用", "unknown or inactive principal")
        return identity
