"""The Starlette application factory: GraphQL, health, readiness and metrics, one engine per
process."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from resolvers.limits import KnownDocuments
from resolvers.root import build_schema
from server.access import access_of
from server.audit_writer import AuditWriter
from server.auth import Authenticator
from server.bulk import BulkUpload
from server.graphql_app import GatewayGraphQL
from server.limits import operation_limits
from server.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from server.metrics import Metrics
from server.policy_source import PolicySource
from server.readiness import readiness
from server.reports import EvaluationReports
from server.request_log import RequestLog
from server.request_record import count_statements
from server.search import SearchService
from server.settings import Settings, get_settings
from server.web import web_routes
from store.database import create_engine, session_factory


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
    count_statements(engine)  # SQL statements per request, for /metrics and the access log
    metrics = Metrics()
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
    # The documents that passed the operation limits: the guard's memory, read by the fast path.
    known = KnownDocuments()
    graphql = GatewayGraphQL(
        build_schema(operation_limits(settings), known),
        settings,
        sessions,
        authenticator,
        policy,
        audit_log=audit_log,
        search=search.backend,
        known=known,
    )
    bulk = BulkUpload(
        settings,
        sessions,
        authenticator,
        lambda identity: access_of(policy, identity),
        audit_log=audit_log,
        rate_limiter=graphql.rate_limiter,
    )

    # Annual evaluation reports as HTML and PDF, read through the same scope as GraphQL.
    reports = EvaluationReports(
        sessions,
        authenticator,
        lambda identity: access_of(policy, identity),
        audit_log=audit_log,
        rate_limiter=graphql.rate_limiter,
        font=settings.report_font,
    )

    async def healthz(_: Request) -> JSONResponse:
        """The process is alive (no dependency is touched)."""
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        """Ready to serve: database, migrations at head, search cluster (server/readiness.py)."""
        state = await readiness(engine, search.backend, settings.readiness_timeout_seconds)
        return JSONResponse(state.body(), status_code=200 if state.ready else 503)

    async def metrics_endpoint(_: Request) -> Response:
        """Prometheus exposition (server/metrics.py)."""
        body = await metrics.render(sessions, audit_log.pending)
        return Response(body, media_type=METRICS_CONTENT_TYPE)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        audit_log.start()
        search.start()
        # What is alive now (modules, schema, policy, the app) lives as long as the process:
        # out of the cyclic collector's full passes, which otherwise rescan its ~250,000
        # objects every few bulk uploads (about 15% of an upload's CPU, bench/RESULTS.md).
        gc.collect()
        gc.freeze()
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
            Route("/metrics", metrics_endpoint),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/bulk/{kind}", bulk.endpoint, methods=["POST"]),
            *web_routes(),  # the portal and the dashboard (issue 7): pages over /graphql
            *reports.routes(),
        ],
        lifespan=lifespan,
    )
    # Outermost: request id, access log and metrics for every route (server/request_log.py).
    app.add_middleware(RequestLog, metrics=metrics, routes=app.routes)
    app.state.engine = engine
    app.state.settings = settings
    app.state.authenticator = authenticator
    app.state.audit_log = audit_log
    app.state.search = search
    app.state.metrics = metrics
    return app
