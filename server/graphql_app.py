"""The GraphQL endpoint: authenticates the credential and builds the request context."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

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


def _json_body(content_type: str | None) -> bool:
    """``application/json``, with or without parameters (strawberry takes more, and answers
    whatever this does not)."""
    if content_type is None:
        return False
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


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
        engine = sessions.kw.get("bind")
        self.fast_path = (
            FastPath(schema, operation_limits(settings), known, engine)
            if settings.graphql_fast_path and known is not None and engine is not None
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            if scope["type"] == "http":
                receive = await self.gate.admit(scope, receive)
                if self.fast_path is not None and scope["method"] == "POST":
                    await self._post(scope, receive, send)
                    return
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

    async def _post(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A POST: answered by the fast path when it can, else by strawberry's view, with
        the same request (its body is read once) and, if one was made, the same context
        (authentication and the rate limit count once)."""
        request = Request(scope=scope, receive=receive)
        response = await self._fast_response(request)
        if response is None:
            try:
                response = await self.run(request, context=getattr(request.state, "context", UNSET))
            except HTTPException as e:  # as strawberry's GraphQL.__call__ answers it
                response = PlainTextResponse(e.reason, status_code=e.status_code)
        await response(scope, receive, send)

    async def _fast_response(self, request: Request) -> Response | None:
        """The response of an operation the fast path answers (resolvers/fast_path.py),
        made as strawberry's view makes it — the same context, result processing, error
        hook and response —, without the view's per-request generality (content
        negotiation, batches, streams, uploads: about a tenth of a point lookup's CPU).
        None for anything else, before any work is done twice: strawberry answers it."""
        fast_path = self.fast_path
        assert fast_path is not None
        if not _json_body(request.headers.get("content-type")):
            return None
        if self._get_stream_transport_from_headers(request.headers) is not None:
            return None  # an incremental or streamed answer was asked for
        try:
            data = self.decode_json(await request.body())
        except ValueError:
            return None  # strawberry answers 400
        if not isinstance(data, dict):
            return None  # a batch
        query = data.get("query")
        variables = data.get("variables")
        name = data.get("operationName")
        if (
            not isinstance(query, str)
            or not isinstance(variables, dict | None)
            or not isinstance(name, str | None)
            or not isinstance(data.get("extensions"), dict | None)
            or not fast_path.answers(query, name)
        ):
            return None
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        # Kept for strawberry's view, should the fast path leave the operation to it.
        request.state.sub_response = sub_response
        request.state.context = context
        note_operation(name or operation_name_of(query))
        result = await fast_path.answer(query, variables, name, context)
        if result is None:
            return None
        note_error_codes(result.errors)
        response_data = await self.process_result(request, result)
        if result.errors:
            self._handle_errors(result.errors, response_data)
        return self.create_response(response_data, sub_response)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        made = getattr(request.state, "sub_response", None)
        return made if isinstance(made, Response) else await super().get_sub_response(request)

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
