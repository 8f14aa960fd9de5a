"""Bulk follow-ups (R-6.3-followup) and ledger entries (R-7.3-ledger): the rules the single
path checks through the database hold line by line, from facts loaded once per chunk."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.bulk import UploadPermit
from store.enums import LedgerEntryKind
from store.models.insurance_policy import InsurancePolicy
from store.models.service_record import ServiceRecord
from store.repositories.fee_ledger_entry import FeeLedgerRepository
from store.repositories.follow_up import FollowUpRepository
from tests.factories.bulk_lines import follow_up_line, ledger_line, ndjson
from tests.factories.fee_ledger_entry import create_entry
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import create_service_record
from tests.factories.world import World, build_world
from tests.services.uploading import upload


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.fixture
async def policy(session: AsyncSession, world: World) -> InsurancePolicy:
    return await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)


@pytest.fixture
async def record(session: AsyncSession, policy: InsurancePolicy) -> ServiceRecord:
    return await create_service_record(session, policy)  # completed 2024-03-01 16:00 +08:00


def _errors(outcome: Any) -> list[tuple[int, str | None, str]]:
    return [(e["line"], e["field"], e["code"]) for e in outcome.as_dict()["errors"]]


async def test_follow_ups_are_written(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    world: World,
    record: ServiceRecord,
) -> None:
    lines = [
        follow_up_line(record),
        follow_up_line(
            record, method="on_site", satisfaction=5, staffId=f"StaffMember:{world.staff.id}"
        ),
    ]
    outcome = await upload(sessions, "follow-ups", ndjson(lines))
    assert outcome.as_dict()["created"] == 2
    stored = await FollowUpRepository(session).for_record(record.id)
    assert [(f.satisfaction, f.staff_id) for f in stored] == [(4, None), (5, world.staff.id)]
    assert outcome.as_dict()["ids"] == [f"FollowUp:{f.id}" for f in stored]


async def test_follow_up_rules_of_r_6_3(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    policy: InsurancePolicy,
    record: ServiceRecord,
) -> None:
    planned = await create_service_record(session, policy, completed=False)
    lines = [
        follow_up_line(record),
        follow_up_line(planned),
        follow_up_line(record, visitedAt="2024-03-01T15:59:00+08:00"),
        follow_up_line(record, satisfaction=4.0),
        follow_up_line(record, serviceRecordId="ServiceRecord:999999999"),
        follow_up_line(record, visitedAt="2024-03-04T10:00:00"),
    ]
    outcome = await upload(sessions, "follow-ups", ndjson(lines))
    assert _errors(outcome) == [
        (2, "serviceRecordId", "RECORD_NOT_COMPLETED"),
        (3, "visitedAt", "FOLLOW_UP_BEFORE_SERVICE_END"),
        (4, "satisfaction", "NOT_AN_INTEGER"),
        (5, "serviceRecordId", "UNKNOWN_REFERENCE"),
        (6, "visitedAt", "TIMEZONE_REQUIRED"),
    ]
    assert outcome.as_dict()["errors"][0]["rule"] == "R-6.3-followup"


async def test_another_insurers_record_reads_as_unknown(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    world: World,
    record: ServiceRecord,
) -> None:
    other = await build_world(session)
    theirs = await create_service_record(
        session, await create_policy(session, insurer_id=other.insurer.id, unit_id=other.unit.id)
    )
    permit = UploadPermit(insurer_ids=frozenset({world.insurer.id}))
    lines = [follow_up_line(record), follow_up_line(theirs)]
    outcome = await upload(sessions, "follow-ups", ndjson(lines), permit=permit)
    assert _errors(outcome) == [(2, "serviceRecordId", "UNKNOWN_REFERENCE")]


async def test_ledger_entries_are_written(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    policy: InsurancePolicy,
    record: ServiceRecord,
) -> None:
    allocation = await create_entry(session, policy)
    lines = [
        ledger_line(policy),
        ledger_line(
            policy,
            kind="EXPENDITURE",
            amount="3200.50",
            serviceRecordId=f"ServiceRecord:{record.id}",
            counterparty="深圳安全技术咨询有限公司",
        ),
        ledger_line(
            policy, kind="ADJUSTMENT", amount="-500", correctsId=f"FeeLedgerEntry:{allocation.id}"
        ),
    ]
    outcome = await upload(sessions, "ledger-entries", ndjson(lines))
    assert outcome.as_dict()["created"] == 3
    balance = await FeeLedgerRepository(session).balance(policy.unit_id, policy.id)
    assert (str(balance.allocated), str(balance.spent)) == ("19500.00", "3200.50")


async def test_ledger_rules_hold_line_by_line(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    world: World,
    policy: InsurancePolicy,
) -> None:
    adjustment = await create_entry(session, policy, LedgerEntryKind.ADJUSTMENT, amount="-1.00")
    lines = [
        ledger_line(policy, amount=12.5),
        ledger_line(policy, amount="12.345"),
        ledger_line(policy, occurredOn="2023-12-31"),
        ledger_line(
            policy, kind="ADJUSTMENT", amount="5", correctsId=f"FeeLedgerEntry:{adjustment.id}"
        ),
        ledger_line(policy, unitId=f"InsuredUnit:{world.unit.id + 1000}"),
        ledger_line(policy, insurerId=f"Insurer:{world.insurer.id + 1000}"),
    ]
    permit = UploadPermit(insurer_ids=frozenset({world.insurer.id}))
    outcome = await upload(sessions, "ledger-entries", ndjson(lines), permit=permit)
    assert _errors(outcome) == [
        (1, "amount", "MONEY_NOT_DECIMAL"),
        (2, "amount", "MONEY_PRECISION"),
        (3, "occurredOn", "DATE_ORDER"),
        (4, "correctsId", "CORRECTION_TARGET_KIND"),
        (5, "policyId", "POLICY_MISMATCH"),
        (6, "insurerId", "NOT_YOUR_TENANT"),
    ]
