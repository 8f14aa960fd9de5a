"""``unitArchive`` (R-7.4-archive): a unit's chain page by page, its completeness against the
ruleset's retention documents and its integrity, scoped by the policy: outside the
caller's reach the unit is NOT_FOUND. On the seeded demo data (whose archive the seed
chains), both backends."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from strawberry.types import ExecutionResult

from services.identity import PUBLIC
from services.principal_auth import identity_for
from services.rulesets import ruleset
from store.models import ArchiveEntry, InsurancePolicy, InsuredUnit, RegionAncestor
from tests.resolvers.audit_sink import Collected, audited_context
from tests.resolvers.graph_helpers import SCHEMA, error_codes

ARCHIVE = """
query Archive($unit: ID!, $first: Int, $after: String) {
  unitArchive(unitId: $unit) {
    unitId
    documents { document state entries }
    integrity { state brokenAtSeq problem }
    entries(first: $first, after: $after) {
      edges { cursor node { id seq kind sourceTable sourceId sourceVersion hash prevHash } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""

ENTRIES_ONLY = """
query Entries($unit: ID!, $first: Int, $after: String) {
  unitArchive(unitId: $unit) {
    entries(first: $first, after: $after) {
      nodes { seq }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


async def _run(
    demo: AsyncSession, who: str, variables: dict[str, Any], query: str = ARCHIVE
) -> tuple[ExecutionResult, Collected]:
    identity = PUBLIC if who == "public" else await identity_for(demo, who)
    assert identity is not None, who
    sink = Collected()
    result = await SCHEMA.execute(
        query, variable_values=variables, context_value=audited_context(demo, identity, sink)
    )
    return result, sink


async def _unit_in(demo: AsyncSession, region: str, *, inside: bool = True) -> int:
    below = select(RegionAncestor.region_code).where(RegionAncestor.ancestor_code == region)
    where = InsuredUnit.region_code.in_(below) if inside else InsuredUnit.region_code.not_in(below)
    has_archive = select(ArchiveEntry.unit_id)
    found = await demo.scalar(
        select(func.min(InsuredUnit.id)).where(where, InsuredUnit.id.in_(has_archive))
    )
    assert found is not None
    return int(found)


async def test_a_regulator_reads_a_unit_archive_of_its_jurisdiction(demo: AsyncSession) -> None:
    unit = await _unit_in(demo, "440000")
    result, sink = await _run(
        demo, "demo-regulator-gd", {"unit": f"InsuredUnit:{unit}", "first": 3}
    )
    assert result.errors is None, result.errors
    archive = result.data["unitArchive"]  # type: ignore[index]
    assert archive["unitId"] == f"InsuredUnit:{unit}"
    documents = {d["document"]: d for d in archive["documents"]}
    assert list(documents) == list(ruleset("AQ9010-draft").retention.documents)
    assert documents["insurance_contract"]["state"] == "PRESENT"
    assert documents["insurance_contract"]["entries"] >= 1
    assert documents["evaluation_reports"]["state"] == "NOT_IN_CHAIN"
    assert archive["integrity"] == {"state": "INTACT", "brokenAtSeq": None, "problem": None}
    edges = archive["entries"]["edges"]
    assert [e["node"]["seq"] for e in edges] == [1, 2, 3]
    assert edges[0]["node"]["prevHash"] == "0" * 64
    assert edges[1]["node"]["prevHash"] == edges[0]["node"]["hash"]
    assert archive["entries"]["pageInfo"]["hasNextPage"] is True
    # Reading an archive is audited, with the unit as its subject.
    assert sink.only.subjects == frozenset({unit})
    assert len(sink.only.rows["ArchiveEntry"]) == 3


async def test_pages_walk_the_whole_chain_in_order(demo: AsyncSession) -> None:
    unit = await _unit_in(demo, "440000")
    total = await demo.scalar(select(func.count()).where(ArchiveEntry.unit_id == unit))
    seen: list[int] = []
    after = None
    while True:
        variables = {"unit": f"InsuredUnit:{unit}", "first": 7, "after": after}
        result, _ = await _run(demo, "demo-admin", variables, ENTRIES_ONLY)
        assert result.errors is None, result.errors
        page = result.data["unitArchive"]["entries"]  # type: ignore[index]
        seen += [n["seq"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(range(1, int(total or 0) + 1))


@pytest.mark.parametrize("who", ["demo-regulator-gd", "public", "demo-agency"])
async def test_a_unit_outside_the_callers_reach_is_not_found(demo: AsyncSession, who: str) -> None:
    unit = await _unit_in(demo, "440000", inside=False)
    result, _ = await _run(demo, who, {"unit": f"InsuredUnit:{unit}"})
    assert result.data is None
    assert error_codes(result) == ["NOT_FOUND"]


async def test_a_unit_reads_its_own_archive_and_no_other(demo: AsyncSession) -> None:
    own, _ = await _run(demo, "demo-unit", {"unit": "InsuredUnit:1", "first": 1})
    assert own.errors is None, own.errors
    other, _ = await _run(demo, "demo-unit", {"unit": "InsuredUnit:2"})
    assert error_codes(other) == ["NOT_FOUND"]


async def test_an_insurer_reads_only_the_units_it_insures(demo: AsyncSession) -> None:
    identity = await identity_for(demo, "demo-insurer-picc")
    assert identity is not None
    insurer = next(g.insurer_id for g in identity.grants if g.insurer_id is not None)
    insured = select(InsurancePolicy.unit_id).where(InsurancePolicy.insurer_id == insurer)
    mine = await demo.scalar(select(func.min(InsuredUnit.id)).where(InsuredUnit.id.in_(insured)))
    theirs = await demo.scalar(
        select(func.min(InsuredUnit.id)).where(InsuredUnit.id.not_in(insured))
    )
    result, _ = await _run(demo, "demo-insurer-picc", {"unit": f"InsuredUnit:{mine}"})
    assert result.errors is None, result.errors
    kinds = {e["node"]["sourceTable"] for e in result.data["unitArchive"]["entries"]["edges"]}  # type: ignore[index]
    assert kinds  # its own entries
    refused, _ = await _run(demo, "demo-insurer-picc", {"unit": f"InsuredUnit:{theirs}"})
    assert error_codes(refused) == ["NOT_FOUND"]


async def test_a_tampered_chain_reads_as_broken_at_its_first_bad_entry(
    seeded: AsyncConnection,
) -> None:
    outer = await seeded.begin_nested()  # the tamper is rolled back after the test
    try:
        async with AsyncSession(bind=seeded, join_transaction_mode="create_savepoint") as session:
            unit = await _unit_in(session, "440000")
            record = await session.scalar(
                select(ArchiveEntry)
                .where(ArchiveEntry.unit_id == unit, ArchiveEntry.source_table == "service_record")
                .order_by(ArchiveEntry.seq.desc())
                .limit(1)
            )
            assert record is not None
            seq, source_id = record.seq, record.source_id
            # A bare UPDATE of a column the application may change (a record's place): the
            # database lets it through, but it never reached the chain.
            await session.execute(
                text("UPDATE service_record SET place = '别处' WHERE id = :i"),
                {"i": source_id},
            )
            result, _ = await _run(session, "demo-regulator-gd", {"unit": f"InsuredUnit:{unit}"})
    finally:
        await outer.rollback()
    assert result.errors is None, result.errors
    integrity = result.data["unitArchive"]["integrity"]  # type: ignore[index]
    assert integrity == {"state": "BROKEN", "brokenAtSeq": seq, "problem": "SOURCE_CHANGED"}


async def test_bad_arguments_are_refused_with_codes(demo: AsyncSession) -> None:
    bad_id, _ = await _run(demo, "demo-admin", {"unit": "Insurer:1"})
    assert error_codes(bad_id) == ["BAD_ID"]
    bad_cursor, _ = await _run(demo, "demo-admin", {"unit": "InsuredUnit:1", "after": "x"})
    assert error_codes(bad_cursor) == ["BAD_CURSOR"]
