"""The gateway as the harness serves it: ``server.app.create_app`` with the settings from the
environment (``ANZEXIAN_*``), exactly as ``anzexian serve`` builds it.

    uvicorn --factory bench.gateway_app:app

One bench-only knob: ``BENCH_PG_SETTINGS="jit=off"`` (comma-separated ``name=value``) sets
PostgreSQL parameters on every new connection of the app's engine, to measure a server
setting without touching the cluster, the database or the product code.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from starlette.applications import Starlette

from bench.limit_app import pg_settings
from server.app import create_app


def app() -> Starlette:
    starlette_app = create_app()
    settings = pg_settings()
    if settings:

        def on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            for name, value in settings.items():
                cursor.execute(f"SET {name} = {value}")
            cursor.close()

        event.listen(starlette_app.state.engine.sync_engine, "connect", on_connect)
    return starlette_app
