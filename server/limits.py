"""Limits of the HTTP request around the GraphQL endpoint (issue 4, item 5): only POST with a
JSON object (no form posts: a browser sends those cross-site without a CORS preflight), a
bounded body, no batches, and a per-principal rate. The operation's own limits live in
resolvers/limits/; ``operation_limits`` builds them from the settings.

Every refusal is GraphQL-shaped, like the 401 of server/auth.py: ``errors[0].extensions``
carries a stable ``code`` and ``messageZh``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope

from resolvers.limits import OperationLimits
from server.role_tables import Rate
from server.settings import Settings
from services.identity import Identity
from store.enums import Role

JSON = "application/json"


class Refused(Exception):
    """A request refused before GraphQL sees it."""

    def __init__(
        self,
        status: int,
        code: str,
        message_zh: str,
        message_en: str,
        headers: Mapping[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.headers = dict(headers or {})
        self.details = details

    def response(self) -> JSONResponse:
        extensions = {"code": self.code, "messageZh": self.message_zh, **self.details}
        return JSONResponse(
            {"errors": [{"message": self.message_en, "extensions": extensions}]},
            status_code=self.status,
            headers=self.headers,
        )


def operation_limits(settings: Settings) -> OperationLimits:
    return OperationLimits(
        max_depth=settings.limit_depth,
        max_aliases=settings.limit_aliases,
        max_tokens=settings.limit_tokens,
        max_fields=settings.limit_fields,
        max_directives=settings.limit_directives,
        cost_ceilings=settings.cost_ceilings,
        introspection=settings.introspection,
        suggestions=settings.field_suggestions,
        statement_timeout_ms=settings.statement_timeout_ms,
    )


# -- the request ---------------------------------------------------------------------------


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _too_large(limit: int) -> Refused:
    return Refused(
        413,
        "BODY_TOO_LARGE",
        f"请求体超过 {limit} 字节；大批量数据请用 /bulk 上传",
        f"the request body is larger than {limit} bytes; send large data sets to /bulk",
        limit=limit,
    )


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The whole body, refusing it as soon as it passes ``limit`` (chunked bodies included)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands strawberry the body already read, then the real channel."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class RequestGate:
    """Checks the HTTP request before strawberry reads it."""

    def __init__(self, max_body_bytes: int, graphiql: bool) -> None:
        self.max_body_bytes = max_body_bytes
        self.graphiql = graphiql

    async def admit(self, scope: Scope, receive: Receive) -> Receive:
        """The receive strawberry should use, or ``Refused``."""
        if scope["method"] != "POST":
            if self._wants_graphiql(scope):
                return receive
            raise Refused(
                405,
                "METHOD_NOT_ALLOWED",
                "GraphQL 操作只接受 POST 请求（JSON 请求体）",
                "GraphQL operations are accepted only as POST with a JSON body",
                headers={"Allow": "POST"},
            )
        media_type = _header(scope, b"content-type").split(";")[0].strip().lower()
        if media_type != JSON:
            raise Refused(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "请求体须为 JSON（Content-Type: application/json）",
                "the body must be JSON (Content-Type: application/json)",
            )
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise _too_large(self.max_body_bytes)  # refused before reading a byte
        body = await _read_body(receive, self.max_body_bytes)
        _check_shape(body)
        return _replay(body, receive)

    def _wants_graphiql(self, scope: Scope) -> bool:
        # strawberry renders the IDE for exactly these requests (should_render_graphql_ide);
        # operations never run over GET (allow_queries_via_get=False).
        if not self.graphiql or scope["method"] != "GET":
            return False
        query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
        accept = _header(scope, b"accept")
        return "query" not in query and ("text/html" in accept or "*/*" in accept)


def _check_shape(body: bytes) -> None:
    """One operation as a JSON object; strawberry reads the fields of it."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Refused(
            400, "BAD_JSON", "请求体不是有效的 JSON", f"the body is not valid JSON: {exc}"
        ) from exc
    if isinstance(payload, list):
        # A batch of N operations multiplies every per-operation limit by N.
        raise Refused(
            400,
            "BATCHING_NOT_SUPPORTED",
            "不支持批量请求：每个请求只能包含一个 GraphQL 操作",
            "batched requests are not supported: send one GraphQL operation per request",
        )
    if not isinstance(payload, dict):
        raise Refused(
            400,
            "BAD_JSON",
            "请求体应为 JSON 对象（query、variables、operationName）",
            "the body must be a JSON object (query, variables, operationName)",
        )


# -- the rate --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Bucket:
    rate: Rate
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        elapsed = now - self.updated
        self.tokens = min(self.rate.burst, self.tokens + elapsed * self.rate.per_second)
        self.updated = now


class RateLimiter:
    """Token buckets in this process's memory, one per principal; the public, who has no
    name, gets one per client address. Limits are per process: N processes admit N times the
    rate (README, "Operation limits")."""

    SWEEP_ABOVE = 10_000  # buckets kept before full (hence forgettable) ones are dropped

    def __init__(
        self,
        rates: Mapping[Role, Rate] | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rates = rates
        self.clock = clock
        self.buckets: dict[str, _Bucket] = {}

    def rate(self, identity: Identity) -> Rate | None:
        """The most generous rate among the identity's roles; None when unlimited."""
        if self.rates is None:
            return None
        rates = [self.rates[role] for role in identity.roles] or [self.rates[Role.PUBLIC]]
        if any(r.unlimited for r in rates):
            return None
        return max(rates)

    def admit(self, identity: Identity, client: str | None) -> None:
        rate = self.rate(identity)
        if rate is None:
            return
        key = f"public@{client}" if identity.is_public else f"principal:{identity.name}"
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None or bucket.rate != rate:
            self._sweep(now)
            bucket = self.buckets[key] = _Bucket(rate, rate.burst, now)
        bucket.refill(now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return
        wait = math.ceil((1 - bucket.tokens) / rate.per_second)
        raise Refused(
            429,
            "RATE_LIMITED",
            f"请求过于频繁：每秒最多 {rate.per_second:g} 次（突发 {rate.burst} 次），"
            f"请 {wait} 秒后重试",
            f"too many requests: at most {rate.per_second:g} per second (bursts of "
            f"{rate.burst}); retry in {wait} s",
            headers={"Retry-After": str(wait)},
            retryAfterSeconds=wait,
        )

    def _sweep(self, now: float) -> None:
        if len(self.buckets) < self.SWEEP_ABOVE:
            return
        for key, bucket in list(self.buckets.items()):
            bucket.refill(now)
            if bucket.tokens >= bucket.rate.burst:  # as good as a new one
                del self.buckets[key]
