"""The per-process policy cache: refreshed on a version change at most every N seconds, fully
reloaded every R seconds whatever the version says, and silent in between (SQLite and
PostgreSQL).

A fake clock stands in for time, so the test states the bound exactly: a policy change is
invisible before the N-second check and enforced from it on. Statements are counted on the
test's connection: between checks a request costs none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from policies.enforcer import ensure_default_policy
from policies.resources import ScopeKind
from server.policy_source import PolicySource
from services.policy_admin import grant_rule, revoke_rule
from store.models.policy_rule import PolicyRule

N, R = 2.0, 30.0
READ_RECORDS = ("regulator", "service_record", "read")
RULE = (*READ_RECORDS, "jurisdiction")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def counting(connection: AsyncConnection) -> Iterator[list[str]]:
    """Every statement sent on the test's connection inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    target = connection.sync_connection
    assert target is not None
    event.listen(target, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", record)


def _reading(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT") and table in s]


async def _commit(
    sessions: async_sessionmaker[AsyncSession], work: Callable[[AsyncSession], Awaitable[object]]
) -> None:
    async with sessions() as session:
        await work(session)
        await session.commit()


async def _source(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> PolicySource:
    await ensure_default_policy(sessions)  # the test database is migrated, not `migrate`d
    return PolicySource(sessions, refresh_seconds=N, reload_seconds=R, clock=clock)


async def test_a_change_is_enforced_at_the_next_check_not_before(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    source = await _source(sessions, clock)
    before = await source.decisions()
    assert before.decide(*READ_RECORDS) is ScopeKind.JURISDICTION

    await _commit(sessions, lambda s: revoke_rule(s, *RULE))
    clock.now += N - 0.01  # within N seconds of the last check: the cached policy stands
    assert (await source.decisions()).decide(*READ_RECORDS) is ScopeKind.JURISDICTION
    clock.now += 0.01  # N seconds after the last check: this very request sees the change
    after = await source.decisions()
    assert after.decide(*READ_RECORDS) is None
    # A request that began before keeps the policy it started with, whole.
    assert before.decide(*READ_RECORDS) is ScopeKind.JURISDICTION

    await _commit(sessions, lambda s: grant_rule(s, *RULE))
    clock.now += N
    assert (await source.decisions()).decide(*READ_RECORDS) is ScopeKind.JURISDICTION


async def test_between_checks_a_request_sends_no_statement(
    sessions: async_sessionmaker[AsyncSession], connection: AsyncConnection
) -> None:
    clock = Clock()
    source = await _source(sessions, clock)
    first = await source.decisions()
    with counting(connection) as statements:
        for _ in range(100):
            clock.now += (N - 0.1) / 100
            assert await source.decisions() is first  # the same object, from memory
    assert statements == []

    clock.now += 0.1  # the check is due: one read of the version, no reload (it did not move)
    with counting(connection) as statements:
        assert await source.decisions() is first
    assert len(_reading(statements, "auth_version")) == 1
    assert _reading(statements, "policy_rule") == []


async def test_concurrent_requests_share_one_check_and_one_reload(
    sessions: async_sessionmaker[AsyncSession], connection: AsyncConnection
) -> None:
    clock = Clock()
    source = await _source(sessions, clock)
    await source.decisions()
    await _commit(sessions, lambda s: revoke_rule(s, *RULE))
    clock.now += N
    with counting(connection) as statements:
        seen = await asyncio.gather(*(source.decisions() for _ in range(20)))
    assert len({id(decisions) for decisions in seen}) == 1
    assert seen[0].decide(*READ_RECORDS) is None
    assert len(_reading(statements, "auth_version")) == 1
    assert len(_reading(statements, "policy_rule")) == 1


async def test_the_full_reload_catches_a_rule_written_without_a_bump(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    source = await _source(sessions, clock)
    assert (await source.decisions()).decide("public", "service_record", "read") is None

    async def by_hand(session: AsyncSession) -> None:  # as an operator's raw SQL would
        await session.execute(
            insert(PolicyRule).values(
                ptype="p", v0="public", v1="service_record", v2="read", v3="all"
            )
        )

    await _commit(sessions, by_hand)
    clock.now += N * 3  # version checks happen, the version did not move
    assert (await source.decisions()).decide("public", "service_record", "read") is None
    clock.now += R  # the backstop
    assert (await source.decisions()).decide("public", "service_record", "read") is ScopeKind.ALL
