"""The outermost middleware (issue 8): a request id for every HTTP request, one structured
access log line, and the request's figures into the Prometheus metrics.

The id is the client's ``X-Request-ID`` when it is a sane token (a proxy or the caller
chose it, and their logs use it), else a new one; it is echoed in the response's
``X-Request-ID`` header either way. A plain ASGI middleware, not Starlette's
BaseHTTPMiddleware: it must not buffer streamed responses (bulk uploads, PDFs)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.metrics import Metrics
from server.request_record import close_record, open_record

logger = logging.getLogger("anzexian.access")

HEADER = b"x-request-id"
# deploy/nginx.conf keeps a client's id by the same rule (tests/deploy/test_manifests.py).
SANE_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")


def request_id_of(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == HEADER and SANE_REQUEST_ID.match(value):
            return str(value.decode("ascii"))
    return uuid.uuid4().hex


def route_of(routes: list[BaseRoute], scope: Scope) -> str:
    """The route's path template (``/bulk/{kind}``, never the raw path): a bounded label."""
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(getattr(route, "path", "unmatched"))
    return "unmatched"


class RequestLog:
    def __init__(self, app: ASGIApp, metrics: Metrics, routes: list[BaseRoute]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        record, token = open_record(request_id)
        route = route_of(self.routes, scope)
        status = 500  # what the client sees if the app raises before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                headers.append((HEADER, request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            if not record.operation:
                record.operation = route
            self.metrics.observe(record, status, seconds)
            logger.info(
                "%s %s %d",
                scope.get("method", ""),
                route,
                status,
                extra={
                    "request_id": request_id,
                    "method": scope.get("method", ""),
                    "path": scope.get("path", ""),
                    "route": route,
                    "operation": record.operation,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "sql_statements": record.statements,
                    "error_codes": record.error_codes or None,
                },
            )
            close_record(token)
