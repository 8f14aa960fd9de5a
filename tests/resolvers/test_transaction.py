"""The request's transaction (resolvers.transaction): a failed commit answers no data and a
masked error, never a success for rows that were not stored."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.resolvers.conftest import WRITER, request_context
from tests.resolvers.mutations.cases import CASES
from tests.resolvers.mutations.scene import Scene, build_scene
from tests.services.refusal import row_counts

FOLLOW_UP = next(case for case in CASES if case.field == "recordFollowUp")


@pytest.fixture
async def scene(session: AsyncSession) -> Scene:
    return await build_scene(session)


async def test_a_failed_commit_is_masked_and_claims_nothing(
    schema: strawberry.Schema,
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    scene: Scene,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request_session = sessions()

    async def commit(*_: Any) -> None:
        raise OSError("could not write /var/lib/postgresql/data: No space left on device")

    monkeypatch.setattr(request_session, "commit", commit)
    before = await row_counts(session)

    result = await schema.execute(
        FOLLOW_UP.document(),
        variable_values={"input": FOLLOW_UP.valid(scene)},
        context_value=request_context(request_session, WRITER),
    )

    assert result.data is None
    assert result.errors is not None
    assert [e.message for e in result.errors] == ["Unexpected error."]
    assert await row_counts(session) == before
