"""Error masking (resolvers.masking): expected failures and GraphQL's own errors stay
readable; anything else comes back as "Unexpected error." and the request rolls back."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

import services.follow_up
from services.errors import DomainError
from store.models.follow_up import FollowUp
from tests.resolvers.conftest import Execute
from tests.resolvers.mutations.cases import CASES
from tests.resolvers.mutations.scene import Scene, build_scene
from tests.services.refusal import row_counts

BY_FIELD = {case.field: case for case in CASES}
FOLLOW_UP, LEDGER = BY_FIELD["recordFollowUp"], BY_FIELD["addLedgerEntry"]


@pytest.fixture
async def scene(session: AsyncSession) -> Scene:
    return await build_scene(session)


def _writes_then_raises(error: Exception) -> Any:
    async def record_follow_up(session: AsyncSession, data: Any) -> FollowUp:
        session.add(
            FollowUp(
                service_record_id=data.service_record_id,
                method=data.method,
                visited_at=data.visited_at,
                satisfaction=data.satisfaction,
            )
        )
        await session.flush()
        raise error

    return record_follow_up


async def test_an_unexpected_error_is_masked_and_rolled_back(
    execute: Execute, session: AsyncSession, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "connection to 10.0.0.7 failed: password=hunter2"
    monkeypatch.setattr(
        services.follow_up, "record_follow_up", _writes_then_raises(RuntimeError(secret))
    )
    before = await row_counts(session)

    result = await execute(FOLLOW_UP.document(), {"input": FOLLOW_UP.valid(scene)})

    assert result.errors is not None
    assert [e.message for e in result.errors] == ["Unexpected error."]
    assert "hunter2" not in repr(result.errors[0].formatted)
    assert await row_counts(session) == before


async def test_a_domain_error_keeps_its_message(
    execute: Execute, session: AsyncSession, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = DomainError("档案保存期内不得删除", "archives are kept for 5 years", code="RETAINED")
    monkeypatch.setattr(services.follow_up, "record_follow_up", _writes_then_raises(error))
    before = await row_counts(session)

    result = await execute(FOLLOW_UP.document(), {"input": FOLLOW_UP.valid(scene)})

    assert result.errors is not None
    assert [e.message for e in result.errors] == ["archives are kept for 5 years"]
    assert await row_counts(session) == before


async def test_validation_errors_stay_readable(execute: Execute) -> None:
    result = await execute("mutation { recordFollowUp(input: {}) { nope } }")
    assert result.errors is not None
    messages = " ".join(e.message for e in result.errors)
    assert "Unexpected error." not in messages
    assert "nope" in messages and "serviceRecordId" in messages


@pytest.mark.parametrize(
    ("amount", "words"),
    [(2400.5, "float"), ("2400,50", "not a decimal"), ("NaN", "not a decimal"), (True, "not")],
)
async def test_decimal_variables_refuse_floats_readably(
    execute: Execute, scene: Scene, amount: object, words: str
) -> None:
    result = await execute(LEDGER.document(), {"input": {**LEDGER.valid(scene), "amount": amount}})
    assert result.errors is not None and result.data is None
    assert words in result.errors[0].message
    assert "input.amount" in result.errors[0].message or "amount" in result.errors[0].message


async def test_decimal_literals_refuse_floats_readably(execute: Execute, scene: Scene) -> None:
    document = """
        mutation { addLedgerEntry(input: {
          insurerId: "Insurer:1", unitId: "InsuredUnit:1", policyId: "InsurancePolicy:1",
          kind: EXPENDITURE, amount: 2400.5, occurredOn: "2024-03-05", purpose: "劳务费"
        }) { __typename } }
    """
    result = await execute(document)
    assert result.errors is not None
    assert "float" in result.errors[0].message


async def test_a_bad_datetime_is_a_readable_input_error(execute: Execute, scene: Scene) -> None:
    payload = {**FOLLOW_UP.valid(scene), "visitedAt": "yesterday afternoon"}
    result = await execute(FOLLOW_UP.document(), {"input": payload})
    assert result.errors is not None
    assert "DateTime" in result.errors[0].message and "yesterday" in result.errors[0].message
