"""resolvers.mutations.outcome: expected failures become union members, and a refused
mutation field rolls back to its own SAVEPOINT — even if it wrote before refusing — while
the operation's other fields stay written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

import services.follow_up
from services.errors import ConflictError, FieldError, InputError, NotFoundError
from store.models.follow_up import FollowUp
from tests.resolvers.conftest import Execute
from tests.resolvers.mutations.cases import CASES, ERRORS, run
from tests.resolvers.mutations.scene import Scene
from tests.services.refusal import row_counts

BY_FIELD = {case.field: case for case in CASES}
FOLLOW_UP = BY_FIELD["recordFollowUp"]


def _writes_then_raises(error: Exception) -> Any:
    """A stand-in service that writes a row before it fails, as a buggy one might."""

    async def record_follow_up(session: AsyncSession, data: Any) -> FollowUp:
        row = FollowUp(
            service_record_id=data.service_record_id,
            method=data.method,
            visited_at=data.visited_at,
            satisfaction=data.satisfaction,
        )
        session.add(row)
        await session.flush()
        raise error

    return record_follow_up


async def test_a_refusal_after_a_write_leaves_nothing(
    execute: Execute, session: AsyncSession, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    refusal = InputError([FieldError("LATE", "visitedAt", "太晚", "too late")])
    monkeypatch.setattr(services.follow_up, "record_follow_up", _writes_then_raises(refusal))
    before = await row_counts(session)

    data = await run(execute, FOLLOW_UP, FOLLOW_UP.valid(scene))

    assert data["__typename"] == "InputErrors"
    assert await row_counts(session) == before


@pytest.mark.parametrize(
    ("error", "typename", "code"),
    [
        (NotFoundError("服务记录", 42), "NotFound", "NOT_FOUND"),
        (ConflictError("记录已归档", "the record is archived"), "Conflict", "CONFLICT"),
        (ConflictError("已锁定", "locked", code="RECORD_LOCKED"), "Conflict", "RECORD_LOCKED"),
    ],
)
async def test_not_found_and_conflict_are_union_members(
    execute: Execute,
    session: AsyncSession,
    scene: Scene,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    typename: str,
    code: str,
) -> None:
    monkeypatch.setattr(services.follow_up, "record_follow_up", _writes_then_raises(error))
    before = await row_counts(session)

    data = await run(execute, FOLLOW_UP, FOLLOW_UP.valid(scene))

    assert (data["__typename"], data["code"]) == (typename, code)
    assert data["messageZh"] and data["messageEn"]
    assert await row_counts(session) == before


async def test_one_refused_field_keeps_the_others_written(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    complaint = BY_FIELD["fileComplaint"]
    document = f"""
        mutation Two($ok: RecordFollowUpInput!, $bad: FileComplaintInput!) {{
          ok: recordFollowUp(input: $ok) {{ __typename ... on WriteSuccess {{ id }} {ERRORS} }}
          bad: fileComplaint(input: $bad) {{ __typename {ERRORS} }}
        }}
    """
    before = await row_counts(session)

    result = await execute(
        document, {"ok": FOLLOW_UP.valid(scene), "bad": complaint.refusal(scene)}
    )

    assert result.errors is None and result.data is not None
    assert result.data["ok"]["__typename"] == "FollowUpSuccess"
    assert result.data["bad"]["__typename"] == "InputErrors"
    after = await row_counts(session)
    assert after["follow_up"] == before["follow_up"] + 1  # committed, as its result says
    assert after["complaint"] == before["complaint"]
