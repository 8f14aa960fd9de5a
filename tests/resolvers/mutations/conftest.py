"""The scene every mutation test writes into, and ``execute`` as the scene's writer."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import ExecutionResult

from services.identity import Identity
from tests.resolvers.conftest import Execute, request_context
from tests.resolvers.mutations.scene import Scene, build_scene


@pytest.fixture
async def scene(session: AsyncSession) -> Scene:
    return await build_scene(session)


@pytest.fixture
def execute(
    schema: strawberry.Schema, sessions: async_sessionmaker[AsyncSession], scene: Scene
) -> Execute:
    """``execute`` of tests/resolvers/conftest.py, written by the scene's writer unless a
    test names another identity."""

    async def run(
        query: str, variables: dict[str, Any] | None = None, *, identity: Identity | None = None
    ) -> ExecutionResult:
        context = request_context(sessions(), identity or scene.writer())
        return await schema.execute(query, variable_values=variables, context_value=context)

    return run
