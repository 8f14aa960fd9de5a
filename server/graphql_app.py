"""The GraphQL endpoint: authenticates the credential and builds the request context."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from policies.resources import Action
from resolvers.context import RequestContext
from resolvers.fast_path import FastPath
from resolvers.limits import KnownDocuments
from server import json_codec
from server.access import access_of
from server.auth import AuthenticationFailed, Authenticator
from server.limits import RateLimiter, Refused, RequestGate, operation_limits
from server.policy_source import PolicySource
from server.request_record import note_error_codes, note_operation, operation_name_of
from server.settings import Settings
from services.audit import AuditSink
from services.search import SearchBackend

__all__ = ["AuthenticationFailed", "GatewayGraphQL"]


class GatewayGraphQL(GraphQL[RequestContext, None]):
    def __init__(
        self,
        schema: Any,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        authenticator: Authenticator,
        policy: PolicySource,
        audit_log: AuditSink | None = None,
        search: SearchBackend | None = None,
        known: KnownDocuments | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=False,
        )
        self.settings = settings
        self.sessions = sessions
        self.authenticator = authenticator
        self.policy = policy
        self.audit_log = audit_log  # the audit log's writer (server/audit_writer.py)
        self.search = search  # the process's full-text search backend (server/search.py)
        # HTTP-level limits (server/limits.py); the operation's own are in the schema.
        self.gate = RequestGate(settings.limit_body_bytes, settings.graphiql)
        self.rate_limiter = RateLimiter(settings.rates)
        # One compiled read field per operation: answered without strawberry's and
        # graphql-core's per-request machinery, same response (resolvers/fast_path.py).
        self.fast_path = (
            FastPath(schema, operation_limits(settings), known)
            if settings.graphql_fast_path and known is not None
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            if scope["type"] == "http":
                receive = await self.gate.admit(scope, receive)
            await super().__call__(scope, receive, send)
        except (AuthenticationFailed, Refused) as failure:
            code = getattr(failure, "code", "UNAUTHENTICATED")
            note_error_codes([{"extensions": {"code": code}}])
            await failure.response()(scope, receive, send)
        finally:
            # The RequestTransaction extension closes the session after a completed
            # operation; this catches requests that failed before one ran.
            session = scope.get("state", {}).pop("session", None)
            if session is not None:
                await session.close()

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: RequestContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # The operation's name and error codes for the metrics and the access log.
        note_operation(request_data.operation_name or operation_name_of(request_data.query))
        result = None
        if self.fast_path is not None and request_adapter.method == "POST":
            result = await self.fast_path.answer(
                request_data.query, request_data.variables, request_data.operation_name, context
            )
        if result is None:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        note_error_codes(result.errors)
        return result

    def decode_json(self, data: str | bytes) -> object:
        return json_codec.decode(data)

    def encode_json(self, data: object) -> bytes:
        # Compiled reads' JSON goes into the response as the database wrote it (json_codec).
        return json_codec.encode(data)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        assert isinstance(request, Request) and isinstance(response, Response)
        session = self.sessions()
        request.state.session = session
        identity = await self.authenticator.authenticate(request)
        self.rate_limiter.admit(identity, request.client.host if request.client else None)
        # Every read of this request goes through this scope (policies/scope.py).
        access = await access_of(self.policy, identity)
        return RequestContext(
            request=request,
            response=response,
            session=session,
            identity=identity,
            scope=access,
            mask=access,
            aggregate_scope=access.for_action(Action.AGGREGATE),
            access=access,
            audit_log=self.audit_log,
            json_text=True,  # encode_json splices compiled reads' JSON text
            ruleset=self.settings.ruleset,
            search=self.search,
            public_min_cell_units=self.settings.public_min_cell_units,
        )
