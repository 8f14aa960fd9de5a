"""The models and the migrations agree, on both backends (issue 2, item 3)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncConnection

import store.models  # noqa: F401
from store.base import Base
from store.migrate import alembic_config


async def test_migrated_schema_matches_models(connection: AsyncConnection) -> None:
    def diff(sync_conn: Any) -> list[Any]:
        ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))

    assert await connection.run_sync(diff) == []


async def test_database_is_at_head(connection: AsyncConnection) -> None:
    def current(sync_conn: Any) -> str | None:
        return MigrationContext.configure(sync_conn).get_current_revision()

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    assert await connection.run_sync(current) == head
