"""services.idempotency: at most one create per (principal, operation, key); the canonical
payload hash; and the race of two identical requests, decided by the unique constraint."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.errors import InputError
from services.idempotency import IdempotentOutcome, payload_hash, run_idempotent
from store.database import session_factory
from store.enums import ServiceCategory
from store.models.idempotency_key import IdempotencyKey
from store.models.insurer import Insurer
from store.repositories.idempotency_key import IdempotencyKeyRepository
from tests.factories.insurer import create_insurer
from tests.services.refusal import row_counts

PAYLOAD = {"name": "测试财产保险", "premium": Decimal("48000.00")}


async def _run(
    session: AsyncSession, key: str | None, payload: object = PAYLOAD, **overrides: Any
) -> IdempotentOutcome[Insurer]:
    return await run_idempotent(
        session,
        principal=overrides.get("principal", "insurer-system"),
        operation="createInsurer",
        key=key,
        payload=payload,
        create=overrides.get("create", lambda: create_insurer(session)),
    )


def test_the_hash_is_of_the_meaning_not_the_spelling() -> None:
    east8 = timezone(timedelta(hours=8))
    base = {"at": datetime(2024, 3, 1, 9, 0, tzinfo=east8), "amount": Decimal("1.50"), "n": [1]}
    assert payload_hash(base) == payload_hash(
        {"n": [1], "amount": Decimal("1.5"), "at": datetime(2024, 3, 1, 1, 0, tzinfo=UTC)}
    )
    assert payload_hash(base) != payload_hash({**base, "amount": Decimal("1.51")})
    assert payload_hash({"c": ServiceCategory.TRAINING}) == payload_hash({"c": "training"})
    assert len(payload_hash(base)) == 64


def test_floats_cannot_be_hashed() -> None:
    with pytest.raises(TypeError):
        payload_hash({"amount": 1.5})


async def test_without_a_key_every_call_creates(session: AsyncSession) -> None:
    first, second = await _run(session, None), await _run(session, None)
    assert first.result_id != second.result_id
    assert not first.replayed and not second.replayed
    assert (await row_counts(session))["idempotency_key"] == 0


async def test_a_retry_returns_the_first_row(session: AsyncSession) -> None:
    first = await _run(session, "k-1")
    written = await row_counts(session)

    again = await _run(session, "k-1")

    assert (again.result_type, again.result_id, again.replayed) == ("Insurer", first.row.id, True)
    assert again.row.id == first.row.id
    assert await row_counts(session) == written


async def test_another_payload_under_the_same_key_is_refused(session: AsyncSession) -> None:
    await _run(session, "k-1")
    written = await row_counts(session)
    with pytest.raises(InputError) as raised:
        await _run(session, "k-1", {**PAYLOAD, "premium": Decimal("1")})
    assert raised.value.codes == ["IDEMPOTENCY_KEY_REUSED"]
    assert raised.value.errors[0].field == "idempotencyKey"
    assert await row_counts(session) == written


async def _winner(session: AsyncSession, key: str, payload: object = PAYLOAD) -> Insurer:
    """What a concurrent request with ``key`` left behind: its row and its key."""
    winner = await create_insurer(session)
    session.add(
        IdempotencyKey(
            principal_name="insurer-system",
            operation="createInsurer",
            key=key,
            payload_hash=payload_hash(payload),
            result_type="Insurer",
            result_id=winner.id,
        )
    )
    await session.flush()
    return winner


def _first_lookup_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lookup ran before the competing request committed its key."""
    real = IdempotencyKeyRepository.find
    calls = 0

    async def find(self: IdempotencyKeyRepository, *args: str) -> IdempotencyKey | None:
        nonlocal calls
        calls += 1
        return None if calls == 1 else await real(self, *args)

    monkeypatch.setattr(IdempotencyKeyRepository, "find", find)


async def test_losing_the_race_is_a_replay(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = await _winner(session, "k-race")
    before = await row_counts(session)
    _first_lookup_misses(monkeypatch)

    outcome = await _run(session, "k-race")

    assert (outcome.result_id, outcome.replayed) == (winner.id, True)
    assert await row_counts(session) == before  # the loser's row went with its savepoint


async def test_losing_the_race_with_another_payload_is_refused(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _winner(session, "k-race", {"other": "payload"})
    before = await row_counts(session)
    _first_lookup_misses(monkeypatch)
    with pytest.raises(InputError) as raised:
        await _run(session, "k-race")
    assert raised.value.codes == ["IDEMPOTENCY_KEY_REUSED"]
    assert await row_counts(session) == before


async def test_another_constraint_failing_is_not_a_replay(session: AsyncSession) -> None:
    taken = await create_insurer(session)
    before = await row_counts(session)
    with pytest.raises(IntegrityError):
        await _run(session, "k-dup", create=lambda: create_insurer(session, code=taken.code))
    assert await row_counts(session) == before  # the session stays usable after the savepoint


async def test_concurrent_duplicates_write_once(engine: AsyncEngine, backend: str) -> None:
    """Two requests with one key on two connections, each committing. On PostgreSQL the
    second blocks on the unique key until the first commits, then answers with the first's
    row; SQLite admits one writer at a time, so there the second starts after the first
    committed and finds its key."""
    sessions = session_factory(engine)
    key, code = f"race-{uuid.uuid4()}", f"R{uuid.uuid4().hex[:12]}"

    async def request(session: AsyncSession, n: int) -> IdempotentOutcome[Insurer]:
        return await _run(session, key, create=lambda: create_insurer(session, code=f"{code}{n}"))

    try:
        if backend == "sqlite":
            async with sessions() as first, first.begin():
                won = await request(first, 1)
            async with sessions() as second, second.begin():
                lost = await request(second, 2)
        else:
            async with sessions() as first, sessions() as second, sessions() as probe:
                await first.begin()
                won = await request(first, 1)  # key and row written, not yet committed
                await second.begin()
                losing = asyncio.create_task(request(second, 2))
                await _until_blocked(probe)
                await first.commit()
                lost = await losing
                await second.commit()
        assert (won.replayed, lost.replayed, lost.result_id) == (False, True, won.result_id)
        async with sessions() as check:
            keys = select(func.count()).where(IdempotencyKey.key == key)
            rows = select(func.count()).where(Insurer.code.startswith(code))
            assert (await check.scalar(keys), await check.scalar(rows)) == (1, 1)
    finally:
        async with sessions() as cleanup, cleanup.begin():
            await cleanup.execute(delete(IdempotencyKey).where(IdempotencyKey.key == key))
            await cleanup.execute(delete(Insurer).where(Insurer.code.startswith(code)))


async def _until_blocked(probe: AsyncSession) -> None:
    """Wait until some session of this database waits on a lock (the second insert)."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(200):
        if await probe.scalar(waiting):
            await probe.rollback()
            return
        await probe.rollback()
        await asyncio.sleep(0.025)
    raise AssertionError("the second request never waited on the unique key")
