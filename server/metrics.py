"""Prometheus metrics of one gateway process, served at ``GET /metrics`` (issue 8).

Each app has its own registry (tests build many apps in one process; a global registry would
refuse the second). Counters and histograms are updated by the request middleware
(server/request_log.py); the gauges that describe shared state (the search outbox's lag, the
audit write-behind queue) are read when Prometheus scrapes, so they cost nothing between
scrapes. Every process reports the same outbox figures: it is one table for all of them.

Operation labels come from clients (GraphQL operation names): the first ``MAX_OPERATIONS``
distinct names are kept, later new ones count as ``other``, so a client inventing names
cannot grow the registry without bound."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.request_record import RequestRecord
from store.repositories.search_outbox import SearchOutboxRepository

MAX_OPERATIONS = 256
CONTENT_TYPE = CONTENT_TYPE_LATEST

# Seconds: a compiled read answers in milliseconds, a bulk upload may take minutes.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0)
# Statements: most operations send a handful (one per list level); bulk uploads many.
STATEMENT_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100, 1000)


def outcome_of(status: int, record: RequestRecord) -> str:
    """ok, error (answered with errors: GraphQL's 200 with ``errors``, or a 4xx refusal), or
    failed (a 5xx: the gateway or a dependency broke)."""
    if status >= 500:
        return "failed"
    if status >= 400 or record.error_codes:
        return "error"
    return "ok"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "anzexian_requests",
            "HTTP requests by operation (GraphQL operation name, else the route) and outcome.",
            ["operation", "outcome"],
            registry=r,
        )
        self.latency = Histogram(
            "anzexian_request_duration_seconds",
            "Time from the request's arrival to the end of its response, by operation.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.statements = Histogram(
            "anzexian_request_sql_statements",
            "SQL statements one request sent to the database, by operation.",
            ["operation"],
            buckets=STATEMENT_BUCKETS,
            registry=r,
        )
        self.errors = Counter(
            "anzexian_errors",
            "Errors answered, by stable error code: GraphQL errors (extensions.code), HTTP "
            "refusals, and mutations' typed refusals (InputErrors, NotFound, Conflict, "
            "Forbidden: answered as data, resolvers/refusals.py).",
            ["code"],
            registry=r,
        )
        self.outbox_rows = Gauge(
            "anzexian_search_outbox_pending_rows",
            "Search outbox rows waiting for the indexer (all processes share the table).",
            registry=r,
        )
        self.outbox_age = Gauge(
            "anzexian_search_outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox row waiting for the indexer; 0 when none waits.",
            registry=r,
        )
        self.audit_queue = Gauge(
            "anzexian_audit_queue_depth",
            "Audit entries of this process waiting in the write-behind queue.",
            registry=r,
        )
        self.scrape_failures = Counter(
            "anzexian_metrics_database_failures",
            "Scrapes whose database figures (outbox lag) could not be read.",
            registry=r,
        )
        self._operations: set[str] = set()

    def _label(self, operation: str) -> str:
        if operation in self._operations:
            return operation
        if len(self._operations) >= MAX_OPERATIONS:
            return "other"
        self._operations.add(operation)
        return operation

    def observe(self, record: RequestRecord, status: int, seconds: float) -> None:
        operation = self._label(record.operation or "unmatched")
        self.requests.labels(operation, outcome_of(status, record)).inc()
        self.latency.labels(operation).observe(seconds)
        self.statements.labels(operation).observe(record.statements)
        for code in record.error_codes:
            self.errors.labels(code).inc()

    async def render(
        self, sessions: async_sessionmaker[AsyncSession], audit_queue_depth: int
    ) -> bytes:
        """The exposition text, with the scrape-time gauges read first."""
        self.audit_queue.set(audit_queue_depth)
        try:
            async with sessions() as session:
                rows, oldest = await SearchOutboxRepository(session).lag()
            self.outbox_rows.set(rows)
            age = (datetime.now(UTC) - _aware(oldest)).total_seconds() if oldest else 0.0
            self.outbox_age.set(max(age, 0.0))
        except Exception:  # a scrape reports the database's absence, /readyz names it
            self.scrape_failures.inc()
        return generate_latest(self.registry)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the outbox writes UTC (store/models/search_outbox.py).
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
