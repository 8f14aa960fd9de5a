"""Idempotent uploads (Idempotency-Key): a retry of the same body writes nothing and answers
with the first result; the same key with another body is refused (HTTP 409)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.bulk import Limits
from services.bulk.replay import key_refusal
from store.models.insurance_policy import InsurancePolicy
from tests.factories.bulk_lines import ndjson, record_line
from tests.factories.insurance_policy import create_policy
from tests.factories.world import World, build_world
from tests.services.refusal import row_counts
from tests.services.uploading import upload


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.fixture
async def policy(session: AsyncSession, world: World) -> InsurancePolicy:
    return await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)


async def test_a_retry_writes_nothing_and_answers_the_first_result(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    world: World,
    policy: InsurancePolicy,
) -> None:
    body = ndjson([record_line(world, policy), record_line(world, policy, place="二号库")])
    first = await upload(sessions, "service-records", body, key="upload-2024-03-01")
    after_first = await row_counts(session)
    retry = await upload(sessions, "service-records", body, key="upload-2024-03-01", chunk_bytes=5)
    assert await row_counts(session) == after_first
    assert retry.status == 200 and retry.replayed
    assert retry.as_dict() == {**first.as_dict(), "replayed": True}


async def test_the_same_key_with_another_body_is_refused(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    world: World,
    policy: InsurancePolicy,
) -> None:
    await upload(sessions, "service-records", ndjson([record_line(world, policy)]), key="k1")
    before = await row_counts(session)
    other = ndjson([record_line(world, policy, place="另一处")])
    outcome = await upload(sessions, "service-records", other, key="k1")
    assert outcome.status == 409
    assert outcome.as_dict()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await row_counts(session) == before


async def test_a_refused_upload_leaves_no_key(
    sessions: async_sessionmaker[AsyncSession], world: World, policy: InsurancePolicy
) -> None:
    bad = ndjson([record_line(world, policy, place="")])
    assert (await upload(sessions, "service-records", bad, key="k2")).status == 422
    good = ndjson([record_line(world, policy)])
    outcome = await upload(sessions, "service-records", good, key="k2")
    assert outcome.status == 200 and not outcome.replayed


async def test_keys_are_per_principal_and_per_kind(
    sessions: async_sessionmaker[AsyncSession], world: World, policy: InsurancePolicy
) -> None:
    body = ndjson([record_line(world, policy)])
    await upload(sessions, "service-records", body, key="k3", principal="system-a")
    again = await upload(sessions, "service-records", body, key="k3", principal="system-b")
    assert again.status == 200 and not again.replayed


async def test_a_replay_past_the_id_cap_carries_counts_only(
    sessions: async_sessionmaker[AsyncSession], world: World, policy: InsurancePolicy
) -> None:
    body = ndjson([record_line(world, policy)] * 4)
    limits = Limits(10**8, max_ids=3)
    first = await upload(sessions, "service-records", body, key="k4", limits=limits)
    retry = await upload(sessions, "service-records", body, key="k4", limits=limits)
    assert first.as_dict() == {"accepted": True, "lines": 4, "created": 4}
    assert retry.as_dict() == {"accepted": True, "lines": 4, "created": 4, "replayed": True}


def test_a_malformed_key_is_refused_before_reading() -> None:
    refusal = key_refusal("with spaces\tand tab")
    assert refusal is not None and (refusal.status, refusal.code) == (
        400,
        "IDEMPOTENCY_KEY_INVALID",
    )
    assert key_refusal("batch-2024-03-01T09:00") is None
