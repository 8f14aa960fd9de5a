"""``archiveReads`` (审计日志): who read a unit's archive, authorized by the policy — a
regulator for units of its jurisdiction, an admin for any, nobody else; a unit outside the
caller's reach is NOT_FOUND, never an empty list. On the seeded demo data, both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from strawberry.types import ExecutionResult

from services.identity import PUBLIC, Identity
from services.principal_auth import identity_for
from store.models import InsuredUnit, RegionAncestor
from store.repositories.audit_entry import AuditEntryRepository
from tests.resolvers.audit_sink import Collected, audited_context
from tests.resolvers.graph_helpers import SCHEMA, error_codes
from tests.store.test_audit_log import entry

READS = """
query Reads($unit: ID!, $first: Int, $after: String, $from: DateTime, $to: DateTime) {
  archiveReads(unitId: $unit, first: $first, after: $after, from: $from, to: $to) {
    edges { cursor node { id principal roles scope kind operationName rowCount aggregate } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"""


async def _unit(demo: AsyncSession, *, under: str, outside: str | None = None) -> int:
    def below(code: str) -> Any:
        return select(RegionAncestor.region_code).where(RegionAncestor.ancestor_code == code)

    stmt = select(func.min(InsuredUnit.id)).where(InsuredUnit.region_code.in_(below(under)))
    if outside is not None:
        stmt = stmt.where(InsuredUnit.region_code.not_in(below(outside)))
    found = await demo.scalar(stmt)
    assert found is not None, (under, outside)
    return int(found)


async def _outside_guangdong(demo: AsyncSession) -> int:
    below = select(RegionAncestor.region_code).where(RegionAncestor.ancestor_code == "440000")
    found = await demo.scalar(
        select(func.min(InsuredUnit.id)).where(InsuredUnit.region_code.not_in(below))
    )
    assert found is not None
    return int(found)


class Log:
    """Entries e1..e4: e1 about a Guangzhou unit, e2 about a Shenzhen one, e3 about the
    Guangzhou unit and one outside Guangdong, e4 about that outside unit only."""

    def __init__(self, guangzhou: int, shenzhen: int, elsewhere: int, ids: list[int]) -> None:
        self.guangzhou, self.shenzhen, self.elsewhere = guangzhou, shenzhen, elsewhere
        self.ids = ids


@pytest.fixture
async def log(seeded: AsyncConnection) -> AsyncIterator[Log]:
    """Written inside a savepoint of the module's connection, rolled back afterwards: each
    GraphQL operation commits its own session (RequestTransaction), into that savepoint."""
    outer = await seeded.begin_nested()
    async with AsyncSession(bind=seeded, join_transaction_mode="create_savepoint") as session:
        guangzhou = await _unit(session, under="440100")
        shenzhen = await _unit(session, under="440000", outside="440100")
        elsewhere = await _outside_guangdong(session)
        ids = await AuditEntryRepository(session).append(
            [
                entry("reader-1", subjects=frozenset({guangzhou}), at=_at(1)),
                entry("reader-2", subjects=frozenset({shenzhen}), at=_at(2)),
                entry("reader-3", subjects=frozenset({guangzhou, elsewhere}), at=_at(3)),
                entry("reader-4", subjects=frozenset({elsewhere}), at=_at(4)),
            ]
        )
        await session.commit()
    yield Log(guangzhou, shenzhen, elsewhere, ids)
    await outer.rollback()


def _at(day: int) -> datetime:
    return datetime(2026, 6, day, 8, 0, tzinfo=UTC)


async def _as(demo: AsyncSession, who: str | Identity, variables: dict[str, Any]) -> Any:
    identity = who if isinstance(who, Identity) else await identity_for(demo, who)
    assert identity is not None
    sink = Collected()
    context = audited_context(demo, identity, sink)
    result: ExecutionResult = await SCHEMA.execute(
        READS, variable_values=variables, context_value=context
    )
    return result, sink


def _principals(result: ExecutionResult) -> list[str]:
    assert result.errors is None, result.errors
    assert result.data is not None
    return [e["node"]["principal"] for e in result.data["archiveReads"]["edges"]]


async def test_a_regulator_reads_who_read_a_unit_of_its_jurisdiction(
    demo: AsyncSession, log: Log
) -> None:
    result, _ = await _as(demo, "demo-regulator-gd", {"unit": f"InsuredUnit:{log.guangzhou}"})
    assert _principals(result) == ["reader-3", "reader-1"]  # newest first
    node = result.data["archiveReads"]["edges"][0]["node"]
    assert node == {
        "id": f"AuditEntry:{log.ids[2]}",
        "principal": "reader-3",
        "roles": ["REGULATOR"],
        "scope": "regulator@jurisdiction:440000",
        "kind": "QUERY",
        "operationName": "Page",
        "rowCount": 2,
        "aggregate": False,
    }

    narrower, _ = await _as(demo, "demo-regulator-gz", {"unit": f"InsuredUnit:{log.guangzhou}"})
    assert _principals(narrower) == ["reader-3", "reader-1"]


@pytest.mark.parametrize("who", ["demo-regulator-gd", "demo-regulator-gz"])
async def test_a_unit_outside_the_jurisdiction_is_not_found(
    demo: AsyncSession, log: Log, who: str
) -> None:
    unit = log.elsewhere if who == "demo-regulator-gd" else log.shenzhen
    result, _ = await _as(demo, who, {"unit": f"InsuredUnit:{unit}"})
    assert result.data is None
    assert error_codes(result) == ["NOT_FOUND"]


async def test_an_admin_reads_every_unit(demo: AsyncSession, log: Log) -> None:
    result, _ = await _as(demo, "demo-admin", {"unit": f"InsuredUnit:{log.elsewhere}"})
    assert _principals(result) == ["reader-4", "reader-3"]


@pytest.mark.parametrize("who", ["demo-insurer-picc", "demo-unit", "demo-agency", "public"])
async def test_nobody_else_reads_the_log(demo: AsyncSession, log: Log, who: str) -> None:
    identity = PUBLIC if who == "public" else who
    for unit in (log.guangzhou, 1):  # 1: the demo unit's own
        result, _ = await _as(demo, identity, {"unit": f"InsuredUnit:{unit}"})
        assert error_codes(result) == ["NOT_FOUND"], (who, unit)


async def test_pages_and_time_window(demo: AsyncSession, log: Log) -> None:
    unit = f"InsuredUnit:{log.guangzhou}"
    first, _ = await _as(demo, "demo-regulator-gd", {"unit": unit, "first": 1})
    page = first.data["archiveReads"]
    assert _principals(first) == ["reader-3"]
    assert page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    second, _ = await _as(demo, "demo-regulator-gd", {"unit": unit, "first": 1, "after": after})
    assert _principals(second) == ["reader-1"]
    assert second.data["archiveReads"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": second.data["archiveReads"]["edges"][0]["cursor"],
    }

    window = {"unit": unit, "from": "2026-06-01T00:00:00+00:00", "to": "2026-06-03T08:00:00Z"}
    windowed, _ = await _as(demo, "demo-regulator-gd", window)
    assert _principals(windowed) == ["reader-1"]


async def test_bad_arguments_are_refused_with_codes(demo: AsyncSession, log: Log) -> None:
    unit = f"InsuredUnit:{log.guangzhou}"
    cursor, _ = await _as(demo, "demo-regulator-gd", {"unit": unit, "after": "nonsense"})
    assert error_codes(cursor) == ["BAD_CURSOR"]
    naive, _ = await _as(demo, "demo-regulator-gd", {"unit": unit, "from": "2026-06-01T00:00:00"})
    assert error_codes(naive) == ["INVALID_INPUT"]
    assert naive.errors[0].extensions["errors"][0]["code"] == "TIMEZONE_REQUIRED"
    wrong_type, _ = await _as(demo, "demo-regulator-gd", {"unit": "ServiceRecord:1"})
    assert error_codes(wrong_type) == ["BAD_ID"]


async def test_reading_the_log_is_audited_too(demo: AsyncSession, log: Log) -> None:
    _, sink = await _as(demo, "demo-regulator-gd", {"unit": f"InsuredUnit:{log.guangzhou}"})
    assert sink.only.rows == {"AuditEntry": [log.ids[2], log.ids[0]]}
    assert sink.only.subjects == frozenset()
