"""The process's full-text search: its backend from the settings, and the indexer task the
app's lifespan runs (search/indexer.py). A backend that is down at startup is no reason not
to serve: the indexer keeps retrying, search answers SEARCH_UNAVAILABLE meanwhile."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from search.backend import BackendUnavailable, SearchBackend
from search.factory import create_backend
from search.indexer import Indexer
from server.settings import Settings

logger = logging.getLogger(__name__)


def backend_of(settings: Settings) -> SearchBackend:
    return create_backend(
        settings.search_url,
        prefix=settings.search_index_prefix,
        fts_path=settings.search_fts_path,
        timeout=settings.search_timeout_seconds,
    )


def indexer_of(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], backend: SearchBackend
) -> Indexer:
    return Indexer(
        sessions,
        backend,
        batch_size=settings.search_indexer_batch,
        retention_hours=settings.search_outbox_retention_hours,
    )


class SearchService:
    """Started and stopped by the app's lifespan."""

    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.backend = backend_of(settings)
        self.indexer = indexer_of(settings, sessions, self.backend)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.backend.ensure()
                break
            except BackendUnavailable as exc:
                logger.warning("search backend unavailable at startup: %s", exc)
                try:
                    await asyncio.wait_for(self._stop.wait(), timeout=5.0)
                except TimeoutError:
                    continue
        await self.indexer.run(self._stop, interval=self.settings.search_indexer_interval_seconds)

    def start(self) -> None:
        if self.settings.search_indexer and self._task is None:
            self._stop.clear()
            self._task = asyncio.create_task(self._run(), name="search-indexer")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self.backend.close()
