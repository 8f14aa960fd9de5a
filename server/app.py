"""The Starlette application factory: GraphQL, health and readiness, one engine per process."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from resolvers.root import build_schema
from server.access import access_of
from server.audit_writer import AuditWriter
from server.auth import Authenticator
from server.bulk import BulkUpload
from server.graphql_app import GatewayGraphQL
from server.limits import operation_limits
from server.policy_source import PolicySource
from server.search import SearchService
from server.settings import Settings, get_settings
from store.database import create_engine, session_factory
from store.migrate import current_revision, head_revision


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
    sessions = session_factory(engine)
    # One per process: it holds the revocation cache every request consults.
    authenticator = Authenticator(settings, sessions)
    # One per process too: the policy cache, refreshed by the same kind of version check.
    policy = PolicySource(
        sessions,
        refresh_seconds=settings.policy_refresh_seconds,
        reload_seconds=settings.policy_reload_seconds,
    )
    # One per process: the audit log's write-behind queue, flushed by a task the lifespan runs.
    audit_log = AuditWriter(
        sessions,
        flush_seconds=settings.audit_flush_seconds,
        batch_size=settings.audit_batch,
        capacity=settings.audit_queue,
    )
    # One per process: the search backend, and the indexer task draining the search outbox.
    search = SearchService(settings, sessions)
    graphql = GatewayGraphQL(
        build_schema(operation_limits(settings)),
        settings,
        sessions,
        authenticator,
        policy,
        audit_log=audit_log,
        search=search.backend,
    )
    bulk = BulkUpload(
        settings,
        sessions,
        authenticator,
        lambda identity: access_of(policy, identity),
        audit_log=audit_log,
        rate_limiter=graphql.rate_limiter,
    )

    async def healthz(_: Request) -> JSONResponse:
        """The process is alive (no dependency is touched)."""
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        """Ready to serve: the database answers and its schema is at the migrations' head."""
        checks: dict[str, str] = {}
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
            current = await current_revision(engine)
            head = head_revision()
            checks["migrations"] = "ok" if current == head else f"at {current}, head is {head}"
        except Exception as exc:  # readiness reports, it never raises
            checks["database"] = f"error: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        audit_log.start()
        search.start()
        try:
            yield
        finally:
            await search.stop()  # the indexer finishes its round; the outbox keeps the rest
            await audit_log.stop()  # graceful: every queued audit entry is written first
            await engine.dispose()

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/bulk/{kind}", bulk.endpoint, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.authenticator = authenticator
    app.state.audit_log = audit_log
    app.state.search = search
    return app
