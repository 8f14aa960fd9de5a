"""Parity: a bulk line is refused with exactly the errors (code, field, both messages, rule)
that the single-record service raises for the same input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.bulk import KINDS
from services.bulk.wire import decode
from services.errors import FieldError
from services.fee_ledger_entry import add_ledger_entry
from services.follow_up import record_follow_up
from services.service_record import create_service_record
from store.enums import AgencyStatus, LedgerEntryKind
from store.uow import UnitOfWork
from tests.factories.bulk_lines import follow_up_line, ledger_line, ndjson, record_line
from tests.factories.fee_ledger_entry import create_entry
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import create_service_record as make_record
from tests.factories.service_scheme import create_scheme
from tests.factories.world import build_world, create_agency
from tests.services.refusal import refused
from tests.services.uploading import upload

Line = dict[str, Any]
Facts = dict[str, Any]

WRITES: dict[str, Callable[[AsyncSession, Any], Any]] = {
    "service-records": create_service_record,
    "follow-ups": record_follow_up,
    "ledger-entries": add_ledger_entry,
}


async def _facts(session: AsyncSession) -> Facts:
    world = await build_world(session)
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    other = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    return {
        "world": world,
        "policy": policy,
        "record": await make_record(session, policy),
        "planned": await make_record(session, policy, completed=False),
        "suspended": await create_agency(session, status=AgencyStatus.SUSPENDED),
        "foreign_scheme": await create_scheme(session, other),
        "adjustment": await create_entry(session, policy, LedgerEntryKind.ADJUSTMENT, "-1.00"),
    }


def _record(**overrides: Any) -> Callable[[Facts], tuple[str, Line]]:
    return lambda f: ("service-records", record_line(f["world"], f["policy"], **overrides))


CASES: dict[str, Callable[[Facts], tuple[str, Line]]] = {
    "empty place": _record(place=" "),
    "start after completion": _record(startedAt="2024-03-01T17:00:00+08:00"),
    "organised, not completed": _record(completedAt=None, organisedAt="2024-03-02T09:00:00+08:00"),
    "broker not named": _record(responsibleParty="BROKER"),
    "control character": _record(process="a\u0007b"),
    "hazard told before found": lambda f: (
        "service-records",
        record_line(
            f["world"],
            f["policy"],
            hazards=[
                {
                    "description": "x",
                    "isMajor": True,
                    "foundAt": "2024-03-01T10:00:00+08:00",
                    "toldAt": "2024-03-01T09:59:00+08:00",
                }
            ],
        ),
    ),
    "suspended agency": lambda f: (
        "service-records",
        record_line(f["world"], f["policy"], agencyId=f"Agency:{f['suspended'].id}"),
    ),
    "scheme of another policy": lambda f: (
        "service-records",
        record_line(f["world"], f["policy"], schemeId=f"ServiceScheme:{f['foreign_scheme'].id}"),
    ),
    "unknown and repeated staff": _record(
        staffIds=["StaffMember:999999999", "StaffMember:999999999"]
    ),
    "follow-up of a planned record": lambda f: ("follow-ups", follow_up_line(f["planned"])),
    "follow-up before completion": lambda f: (
        "follow-ups",
        follow_up_line(f["record"], visitedAt="2024-03-01T15:00:00+08:00", satisfaction=6),
    ),
    "ledger before cover": lambda f: (
        "ledger-entries",
        ledger_line(f["policy"], occurredOn="2023-06-01"),
    ),
    "ledger zero adjustment": lambda f: (
        "ledger-entries",
        ledger_line(f["policy"], kind="ADJUSTMENT", amount="0.00"),
    ),
    "ledger corrects an adjustment": lambda f: (
        "ledger-entries",
        ledger_line(
            f["policy"],
            kind="ADJUSTMENT",
            amount="2",
            correctsId=f"FeeLedgerEntry:{f['adjustment'].id}",
        ),
    ),
}


def _as_tuples(errors: list[FieldError]) -> list[tuple[str, str, str, str, str | None]]:
    return [(e.code, e.field, e.message_zh, e.message_en, e.rule) for e in errors]


@pytest.mark.parametrize("case", sorted(CASES))
async def test_bulk_refuses_as_the_service_does(
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    uow: Callable[[], UnitOfWork],
    case: str,
) -> None:
    kind, line = CASES[case](await _facts(session))
    wire_errors: list[FieldError] = []
    data = decode(line, KINDS[kind].spec, wire_errors)
    assert wire_errors == []
    single = await refused(uow, session, lambda s: WRITES[kind](s, data))

    outcome = await upload(sessions, kind, ndjson([line]))
    bulk = [
        FieldError(e["code"], e["field"], e["messageZh"], e["messageEn"], e["rule"])
        for e in outcome.as_dict()["errors"]
    ]
    assert _as_tuples(bulk) == _as_tuples(single.errors)
