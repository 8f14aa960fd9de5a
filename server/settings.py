"""One typed settings object, read from ``ANZEXIAN_*`` environment variables (EXAMPLES #9).

Every key is documented in ``deploy/env.example``; a test keeps the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from search.mapping import check_prefix
from server.role_tables import (
    COST_CEILINGS,
    RATES,
    Rate,
    format_costs,
    format_rates,
    parse_costs,
    parse_rates,
)
from services.rulesets import DEFAULT_RULESET, UnknownRuleset
from services.rulesets import ruleset as find_ruleset
from services.stats_suppression import DEFAULT_MIN_CELL_UNITS
from services.token_lifetime import MAX_TOKEN_HOURS
from store.enums import Role


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANZEXIAN_", env_file=None, extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    # SQLite (embedded default) or PostgreSQL: sqlite+aiosqlite:///path, postgresql+asyncpg://...
    database_url: str = "sqlite+aiosqlite:///./var/anzexian.db"
    database_pool_size: int = Field(default=10, ge=1, le=200)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Signing key for bearer tokens (JWT, HS256). Must be set in production.
    token_secret: SecretStr = SecretStr("dev-only-insecure-secret-change-me")
    token_issuer: str = "anzexian"
    token_audience: str = "anzexian-api"
    token_ttl_hours: int = Field(default=12, ge=1, le=MAX_TOKEN_HOURS)
    # Revocation across processes (server/revocation.py): each process compares the database's
    # auth_version at most every refresh seconds (0: on every request), so a revocation is
    # enforced by every process for every request starting that long after it commits; the
    # whole revocation state is reloaded every reload seconds whatever the version says.
    auth_refresh_seconds: int = Field(default=2, ge=0, le=300)
    auth_reload_seconds: int = Field(default=60, ge=1, le=3600)
    # The access policy (policy_rule, server/policy_source.py): each process compares the
    # database's auth_version (bumped by every policy change) at most every refresh seconds
    # (0: on every request) and reloads the policy when it moved, so a policy change is
    # enforced by every process for every request starting that long after it commits; the
    # whole policy is reloaded every reload seconds whatever the version says.
    policy_refresh_seconds: int = Field(default=2, ge=0, le=300)
    policy_reload_seconds: int = Field(default=30, ge=1, le=3600)
    # GraphiQL at GET /graphql. Production turns it off unless it is set (PRODUCTION_OFF).
    graphiql: bool = True
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # Logs on stderr (server/json_logging.py): one JSON object a line with the request id, or
    # plain text for a terminal.
    log_format: Literal["json", "text"] = "json"
    # Graceful shutdown (SIGTERM): the server stops accepting, waits this long for requests in
    # flight, then the lifespan drains the audit queue and the indexer's round (uvicorn's
    # timeout_graceful_shutdown). Keep it below the orchestrator's kill grace period.
    shutdown_timeout_seconds: int = Field(default=20, ge=1, le=600)
    # Addresses of the reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are trusted
    # (uvicorn's forwarded_allow_ips: comma-separated addresses or networks, "*" for any):
    # the client address the public's rate limit counts by is then the proxy's client's.
    forwarded_allow_ips: str = "127.0.0.1"
    # GET /readyz: seconds each dependency (database, search cluster) has to answer.
    readiness_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    # Largest body of one bulk NDJSON upload (POST /bulk/{kind}); larger is HTTP 413.
    bulk_max_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    # Bulk uploads ingested at once by one process (server/bulk.py); the others wait their
    # turn with their bodies unread. Ingesting is CPU work: interleaving many uploads on one
    # event loop makes every one of them as slow as the last and stretches the time each
    # holds its units' archive chain heads (R-7.4-archive).
    bulk_concurrency: int = Field(default=2, ge=1, le=64)
    # The audit log (server/audit_writer.py): entries wait in memory and a background task
    # appends them every flush seconds, or at once when a batch is waiting; a full queue
    # makes requests wait (back-pressure), never drops an entry. A crash loses what waits.
    audit_flush_seconds: float = Field(default=0.5, gt=0, le=60)
    # Entries a flush writes per transaction (SQLite: 11 parameters an entry). Small enough
    # that writing one batch holds the event loop about a millisecond, not five (p99 of
    # reads under load, bench/RESULTS.md); each batch is one statement on PostgreSQL.
    audit_batch: int = Field(default=100, ge=1, le=2_000)
    audit_queue: int = Field(default=10_000, ge=1)
    # Full-text search (README "Search"): OpenSearch at this URL (credentials may be in it;
    # several nodes' URLs comma-separated: requests are spread, a node down is skipped);
    # empty: the embedded SQLite FTS5 file SEARCH_FTS_PATH. Index names start with the prefix.
    search_url: str = ""
    search_index_prefix: str = "anzexian"
    search_fts_path: str = "./var/search.db"
    search_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # The indexer task of each server process (one drains at a time, through a lease row):
    # outbox rows per bulk request, seconds between rounds when idle, and how long processed
    # outbox rows are kept for `anzexian reindex` to replay.
    search_indexer: bool = True
    search_indexer_batch: int = Field(default=500, ge=1, le=10_000)
    search_indexer_interval_seconds: float = Field(default=1.0, gt=0, le=300)
    search_outbox_retention_hours: float = Field(default=24.0, gt=0)

    # Operation limits (README "Operation limits"; server/limits.py, resolvers/limits/).
    # Schema introspection and "Did you mean …?" hints: production turns them off unless set.
    introspection: bool = True
    field_suggestions: bool = True
    limit_depth: int = Field(default=10, ge=1)
    limit_aliases: int = Field(default=15, ge=0)
    limit_tokens: int = Field(default=1000, ge=1)
    limit_fields: int = Field(default=250, ge=1)
    limit_directives: int = Field(default=50, ge=0)
    # Cost ceilings per role, role:ceiling (server/role_tables.py); unlisted roles keep these.
    limit_cost: str = format_costs(COST_CEILINGS)
    # Largest body of one POST /graphql, in bytes; larger is HTTP 413.
    limit_body_bytes: int = Field(default=1024 * 1024, ge=1)
    # Requests per second/burst per principal and role, role:rate/burst, or "off".
    limit_rate: str = format_rates(RATES)
    # Longest database statement of a GraphQL request in ms (PostgreSQL only); 0 = none.
    statement_timeout_ms: int = Field(default=10_000, ge=0)
    # An operation of one compiled read field skips strawberry's and graphql-core's
    # per-request machinery, same answer (resolvers/fast_path.py); false: every operation
    # takes the normal path.
    graphql_fast_path: bool = True
    # The standard's parameters (README "Rulesets", services/rulesets/): a ruleset id pins that
    # ruleset for every date; empty: each date gets the ruleset in force on it.
    ruleset: str = DEFAULT_RULESET
    # Small-cell suppression (services/stats_suppression.py): the public role's stats leave
    # out every group that counts fewer insured units than this.
    public_min_cell_units: int = Field(default=DEFAULT_MIN_CELL_UNITS, ge=1)
    # The CJK font the PDF evaluation reports embed (server/report_pdf.py): a TrueType or
    # OpenType file or collection; empty: Debian's fonts-wqy-microhei (deploy/report-fonts.sh).
    report_font: str = ""
    # Signed checkpoints of the archive chains (R-7.4-archive, services/archive/checkpoint.py):
    # the path of an Ed25519 private key in PEM (``anzexian archive keygen`` writes one).
    archive_signing_key: str = ""

    @field_validator("limit_cost")
    @classmethod
    def _cost_table(cls, value: str) -> str:
        parse_costs(value)  # refuse a typo when the settings load, not on the first request
        return value

    @field_validator("search_index_prefix")
    @classmethod
    def _search_prefix(cls, value: str) -> str:
        return check_prefix(value)

    @field_validator("limit_rate")
    @classmethod
    def _rate_table(cls, value: str) -> str:
        parse_rates(value)
        return value

    @field_validator("ruleset")
    @classmethod
    def _ruleset(cls, value: str) -> str:
        try:
            if value:
                find_ruleset(value)  # a typo stops the start, instead of every finding later
        except UnknownRuleset as error:
            raise ValueError(str(error)) from error
        return value

    @model_validator(mode="after")
    def _production_defaults(self) -> Settings:
        if self.environment == "production":
            for name in PRODUCTION_OFF - self.model_fields_set:
                setattr(self, name, False)
        return self

    @property
    def cost_ceilings(self) -> dict[Role, int]:
        return parse_costs(self.limit_cost)

    @property
    def rates(self) -> dict[Role, Rate] | None:
        """None when rate limiting is off."""
        return parse_rates(self.limit_rate)


# Switches that production turns off unless the environment sets them explicitly: each tells
# a stranger about the schema (OWASP GraphQL cheat sheet, "insecure default configurations").
PRODUCTION_OFF = frozenset({"graphiql", "introspection", "field_suggestions"})


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
