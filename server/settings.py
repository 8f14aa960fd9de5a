"""One typed settings object, read from ``ANZEXIAN_*`` environment variables (EXAMPLES #9).

Every key is documented in ``deploy/env.example``; a test keeps the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    token_ttl_hours: int = Field(default=12, ge=1, le=24 * 30)
    # GraphiQL at GET /graphql; off in production (issue 4 hardens the rest).
    graphiql: bool = True
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # Largest body of one bulk NDJSON upload (POST /bulk/{kind}); larger is HTTP 413.
    bulk_max_bytes: int = Field(default=200 * 1024 * 1024, ge=1)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
