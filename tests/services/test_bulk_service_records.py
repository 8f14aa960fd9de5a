"""Bulk upload of service records: written with hazards and staff, or nothing at all; each
line error names its line, field and code (issue 3, item 5)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.bulk import BodyTooLarge, Limits, UploadPermit
from store.enums import ServiceStatus
from store.models.insurance_policy import InsurancePolicy
from store.repositories.service_record import ServiceRecordRepository
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


def _errors(outcome: Any) -> list[tuple[int, str | None, str]]:
    return [(e["line"], e["field"], e["code"]) for e in outcome.as_dict()["errors"]]


async def test_three_records_are_written_with_hazards_and_staff(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    world: World,
    policy: InsurancePolicy,
) -> None:
    lines = [
        record_line(world, policy),
        record_line(world, policy, place="第二厂区", hazards=[]),
        record_line(world, policy, startedAt=None, completedAt=None, hazards=[], staffIds=None),
    ]
    outcome = await upload(sessions, "service-records", ndjson(lines))
    body = outcome.as_dict()
    assert outcome.status == 200 and body["accepted"] is True
    assert (body["lines"], body["created"]) == (3, 3)
    ids = [int(gid.split(":")[1]) for gid in body["ids"]]
    assert body["ids"][0].startswith("ServiceRecord:")
    repo = ServiceRecordRepository(session)
    first = await repo.with_hazards(ids[0])
    assert first is not None and first.status is ServiceStatus.COMPLETED
    assert [(h.description, h.is_major) for h in first.hazards] == [
        ("储罐区可燃气体报警器失效", True)
    ]
    assert await repo.staff_ids(ids[0]) == [world.staff.id]
    second, third = await repo.with_hazards(ids[1]), await repo.with_hazards(ids[2])
    assert second is not None and second.place == "第二厂区" and second.hazards == []
    assert third is not None and third.status is ServiceStatus.PLANNED
    assert await repo.staff_ids(ids[2]) == []


async def test_one_bad_line_in_a_thousand_writes_nothing(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    world: World,
    policy: InsurancePolicy,
) -> None:
    good = record_line(world, policy)
    bad = record_line(world, policy)
    bad["hazards"] = [{**good["hazards"][0], "toldAt": "2024-03-01T09:30:00+08:00"}]
    lines = [bad if n == 517 else good for n in range(1, 1001)]
    before = await row_counts(session)
    # 100-line chunks: lines 1-500 are written before line 517 is read, then rolled back.
    outcome = await upload(
        sessions, "service-records", ndjson(lines), limits=Limits(10**8, chunk_lines=100)
    )
    body = outcome.as_dict()
    assert outcome.status == 422 and body["accepted"] is False
    assert (body["lines"], body["badLines"], body["truncated"]) == (1000, 1, False)
    [error] = body["errors"]
    assert (error["line"], error["field"], error["code"]) == (
        517,
        "hazards[0].toldAt",
        "DATE_ORDER",
    )
    assert error["rule"] == "R-6.2-major-hazard" and error["messageZh"] and error["messageEn"]
    assert outcome.tally.created == 500  # written, then rolled back with the rest
    assert await row_counts(session) == before


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"insurerId": "Insurer:1",', (None, "BAD_JSON")),
        ('{"place": NaN}', (None, "BAD_JSON")),
        ("[" * 100_000, (None, "BAD_JSON")),  # too deep for the parser: refused, not a crash
        ("[1, 2]", (None, "NOT_AN_OBJECT")),
        ('"text"', (None, "NOT_AN_OBJECT")),
    ],
)
async def test_a_line_that_is_not_an_object(
    sessions: async_sessionmaker[AsyncSession],
    world: World,
    policy: InsurancePolicy,
    line: str,
    expected: tuple[str | None, str],
) -> None:
    outcome = await upload(sessions, "service-records", ndjson([record_line(world, policy), line]))
    assert _errors(outcome) == [(2, *expected)]


async def test_unknown_fields_are_named(
    sessions: async_sessionmaker[AsyncSession], world: World, policy: InsurancePolicy
) -> None:
    line = record_line(world, policy, colour="red")
    line["hazards"][0]["severity"] = "high"
    outcome = await upload(sessions, "service-records", ndjson([line]))
    assert _errors(outcome) == [
        (1, "colour", "UNKNOWN_FIELD"),
        (1, "hazards[0].severity", "UNKNOWN_FIELD"),
    ]


async def test_wire_types_and_ids(
    sessions: async_sessionmaker[AsyncSession], world: World, policy: InsurancePolicy
) -> None:
    line = record_line(
        world,
        policy,
        insurerId="InsuredUnit:3",  # an id of another type
        unitId=7,  # not a string
        place=12,
        staffIds=["StaffMember:x"],
        startedAt="yesterday",
        plannedOn="2024-03-01T09:00",
        hazards=[{**record_line(world, policy)["hazards"][0], "isMajor": "yes"}, 3],
    )
    outcome = await upload(sessions, "service-records", ndjson([line]))
    assert sorted(_errors(outcome)) == sorted(
        [
            (1, "insurerId", "BAD_ID"),
            (1, "unitId", "BAD_ID"),
            (1, "place", "NOT_A_STRING"),
            (1, "startedAt", "NOT_A_DATETIME"),
            (1, "staffIds[0]", "BAD_ID"),
            (1, "hazards[0].isMajor", "NOT_A_BOOLEAN"),
            (1, "hazards[1]", "NOT_AN_OBJECT"),
            (1, "plannedOn", "NOT_A_DATE"),  # the Checker's own code and message
        ]
    )


async def test_enums_by_graphql_name_or_stable_code(
    sessions: async_sessionmaker[AsyncSession], world: World, policy: InsurancePolicy
) -> None:
    lines = [
        record_line(world, policy, category="training", responsibleParty="insurer"),
        record_line(world, policy, category="TRAINING"),
        record_line(world, policy, category="Training"),
    ]
    outcome = await upload(sessions, "service-records", ndjson(lines))
    assert _errors(outcome) == [(3, "category", "INVALID_ENUM")]


async def test_crlf_bom_and_no_final_newline_over_tiny_chunks(
    sessions: async_sessionmaker[AsyncSession], world: World, policy: InsurancePolicy
) -> None:
    lines = [json.dumps(record_line(world, policy), ensure_ascii=False) for _ in range(3)]
    body = b"\xef\xbb\xbf" + "\r\n\r\n".join(lines).encode()
    # 7-byte chunks cut the BOM, the JSON and the Chinese characters' UTF-8 sequences.
    outcome = await upload(sessions, "service-records", body, chunk_bytes=7)
    assert outcome.as_dict()["created"] == 3


async def test_too_long_and_non_utf8_lines(
    sessions: async_sessionmaker[AsyncSession], world: World, policy: InsurancePolicy
) -> None:
    good = ndjson([record_line(world, policy)])
    body = good + b'{"place": "' + b"x" * 5000 + b'"}\n' + b'{"place": "\xff"}\n' + good
    outcome = await upload(
        sessions, "service-records", body, limits=Limits(10**8, max_line_bytes=4096)
    )
    assert _errors(outcome) == [(2, None, "LINE_TOO_LONG"), (3, None, "BAD_ENCODING")]
    assert outcome.as_dict()["lines"] == 4


async def test_another_insurers_tenant_is_refused(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    world: World,
    policy: InsurancePolicy,
) -> None:
    other = await build_world(session)
    theirs = await create_policy(session, insurer_id=other.insurer.id, unit_id=other.unit.id)
    permit = UploadPermit(insurer_ids=frozenset({world.insurer.id}))
    lines = [
        record_line(world, policy),
        record_line(other, theirs),
        # Our insurer, their policy: read through our scope, it does not exist.
        record_line(world, theirs, insurerId=f"Insurer:{world.insurer.id}"),
    ]
    outcome = await upload(sessions, "service-records", ndjson(lines), permit=permit)
    assert _errors(outcome) == [
        (2, "insurerId", "NOT_YOUR_TENANT"),
        (3, "policyId", "UNKNOWN_REFERENCE"),
    ]


async def test_errors_are_capped_but_every_bad_line_counted(
    sessions: async_sessionmaker[AsyncSession], world: World, policy: InsurancePolicy
) -> None:
    lines = [record_line(world, policy, place="", colour=1) for _ in range(30)]
    outcome = await upload(
        sessions, "service-records", ndjson(lines), limits=Limits(10**8, max_errors=5)
    )
    body = outcome.as_dict()
    assert (body["badLines"], body["errorCount"], len(body["errors"])) == (30, 60, 5)
    assert body["truncated"] is True


async def test_a_body_over_the_limit_stops_midway_and_writes_nothing(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    world: World,
    policy: InsurancePolicy,
) -> None:
    body = ndjson([record_line(world, policy)] * 100)
    before = await row_counts(session)
    # 10-line chunks: several are written (one still in flight) when the limit is passed.
    limits = Limits(max_body_bytes=len(body) // 2, chunk_lines=10)
    with pytest.raises(BodyTooLarge):
        await upload(sessions, "service-records", body, limits=limits, chunk_bytes=1024)
    assert await row_counts(session) == before
