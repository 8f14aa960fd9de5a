"""Idempotency keys through GraphQL (issue 3, item 4): a retry returns the first result and
writes nothing; the same key with another input is refused; keys are per principal and
per operation; a refused create leaves no key behind."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.resolvers.conftest import Execute
from tests.resolvers.mutations.cases import CASES, CREATES, Case, run
from tests.resolvers.mutations.scene import Scene
from tests.services.refusal import row_counts

BY_FIELD = {case.field: case for case in CASES}


def test_every_create_takes_a_key() -> None:
    assert sorted(case.field for case in CREATES) == sorted(
        [
            "createPolicy",
            "createScheme",
            "reviseScheme",
            "createServiceRecord",
            "recordFollowUp",
            "decideOnServiceRecord",
            "fileComplaint",
            "addLedgerEntry",
            "createAgencyContract",
            "createEvaluation",
            "reviseEvaluation",
            "createImprovementMeasure",
        ]
    )


@pytest.mark.parametrize("case", CREATES, ids=lambda case: case.field)
async def test_retry_returns_the_first_result_and_writes_nothing(
    execute: Execute, session: AsyncSession, scene: Scene, case: Case
) -> None:
    payload = case.valid(scene)
    first = await run(execute, case, payload, key=f"{case.field}-0001")
    assert first["__typename"] == case.success_type and first["replayed"] is False
    written = await row_counts(session)
    assert written["idempotency_key"] == 1

    again = await run(execute, case, payload, key=f"{case.field}-0001")

    assert again == {**first, "replayed": True}
    assert await row_counts(session) == written


@pytest.mark.parametrize("case", CREATES, ids=lambda case: case.field)
async def test_same_key_with_another_input_is_refused(
    execute: Execute, session: AsyncSession, scene: Scene, case: Case
) -> None:
    assert case.variant is not None
    payload = case.valid(scene)
    await run(execute, case, payload, key="batch-7/line-12")
    written = await row_counts(session)

    other = await run(execute, case, case.variant(payload), key="batch-7/line-12")

    assert other["__typename"] == "InputErrors"
    assert [(e["code"], e["field"]) for e in other["errors"]] == [
        ("IDEMPOTENCY_KEY_REUSED", "idempotencyKey")
    ]
    assert other["errors"][0]["messageZh"] and other["errors"][0]["messageEn"]
    assert await row_counts(session) == written


async def test_equivalent_input_is_the_same_payload(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    """The same instant in another zone and the same amount with fewer zeros are stored
    alike, so they are a retry, not a reuse of the key."""
    case = BY_FIELD["addLedgerEntry"]
    first = await run(execute, case, case.valid(scene), key="k")
    written = await row_counts(session)
    equivalent = {**case.valid(scene), "amount": "2400.5"}
    again = await run(execute, case, equivalent, key="k")
    assert again == {**first, "replayed": True}

    follow_up = BY_FIELD["recordFollowUp"]
    first = await run(execute, follow_up, follow_up.valid(scene), key="k")
    utc = {**follow_up.valid(scene), "visitedAt": "2024-03-04T02:00:00+00:00"}
    assert (await run(execute, follow_up, utc, key="k"))["id"] == first["id"]
    assert (await row_counts(session))["fee_ledger_entry"] == written["fee_ledger_entry"]


async def test_a_refused_create_leaves_no_key(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    case = BY_FIELD["createServiceRecord"]
    refused = await run(execute, case, case.refusal(scene), key="record-1")
    assert refused["__typename"] == "InputErrors"
    assert (await row_counts(session))["idempotency_key"] == 0

    fixed = await run(execute, case, case.valid(scene), key="record-1")
    assert fixed["__typename"] == case.success_type and fixed["replayed"] is False


async def test_keys_belong_to_one_principal(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    case = BY_FIELD["recordFollowUp"]
    mine = await run(execute, case, case.valid(scene), key="k-1")
    theirs = await run(
        execute, case, case.valid(scene), key="k-1", identity=scene.writer("another-insurer-system")
    )
    assert theirs["replayed"] is False and theirs["id"] != mine["id"]
    assert (await row_counts(session))["follow_up"] == 2


async def test_keys_belong_to_one_operation(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    follow_up, complaint = BY_FIELD["recordFollowUp"], BY_FIELD["fileComplaint"]
    assert (await run(execute, follow_up, follow_up.valid(scene), key="k"))["replayed"] is False
    assert (await run(execute, complaint, complaint.valid(scene), key="k"))["replayed"] is False


async def test_without_a_key_every_request_writes(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    case = BY_FIELD["recordFollowUp"]
    first = await run(execute, case, case.valid(scene))
    second = await run(execute, case, case.valid(scene))
    assert first["id"] != second["id"]
    counts = await row_counts(session)
    assert (counts["follow_up"], counts["idempotency_key"]) == (2, 0)


@pytest.mark.parametrize("key", ["", "键-1", "tab\tkey", "k" * 129])
async def test_malformed_keys_are_refused(
    execute: Execute, session: AsyncSession, scene: Scene, key: str
) -> None:
    case = BY_FIELD["fileComplaint"]
    before = await row_counts(session)
    data = await run(execute, case, case.valid(scene), key=key)
    assert data["__typename"] == "InputErrors"
    assert [(e["code"], e["field"]) for e in data["errors"]] == [
        ("IDEMPOTENCY_KEY_INVALID", "idempotencyKey")
    ]
    assert await row_counts(session) == before
