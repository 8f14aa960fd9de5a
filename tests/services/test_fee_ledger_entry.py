"""The fee ledger (R-7.3-ledger): entries in Decimal yuan, corrections as new entries, and a
balance the database sums."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.fee_ledger_entry import LedgerEntryInput, add_ledger_entry
from store.enums import LedgerEntryKind
from store.models.insurance_policy import InsurancePolicy
from store.repositories.fee_ledger_entry import FeeLedgerRepository, LedgerBalance
from store.uow import UnitOfWork
from tests.factories.fee_ledger_entry import create_entry
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import create_service_record
from tests.factories.world import World, build_world, create_unit
from tests.services.refusal import refused, single

RULE = "R-7.3-ledger"
ALLOCATION = LedgerEntryKind.ALLOCATION
EXPENDITURE = LedgerEntryKind.EXPENDITURE
ADJUSTMENT = LedgerEntryKind.ADJUSTMENT


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.fixture
async def policy(session: AsyncSession, world: World) -> InsurancePolicy:
    return await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)


def _input(policy: InsurancePolicy, **overrides: Any) -> LedgerEntryInput:
    values: dict[str, Any] = {
        "insurer_id": policy.insurer_id,
        "unit_id": policy.unit_id,
        "policy_id": policy.id,
        "kind": "allocation",
        "amount": "9600.00",
        "occurred_on": date(2024, 1, 15),
        "purpose": "按保费20%计提事故预防服务费",
    }
    values.update(overrides)
    return LedgerEntryInput(**values)


async def test_books_an_allocation(
    uow: Callable[[], UnitOfWork], session: AsyncSession, policy: InsurancePolicy
) -> None:
    async with uow() as work:
        created = await add_ledger_entry(work.session, _input(policy, amount=9600))
    entries = await FeeLedgerRepository(session).for_unit(policy.unit_id)
    assert [(e.id, e.kind, e.amount) for e in entries] == [
        (created.id, ALLOCATION, Decimal("9600.00"))
    ]


async def test_books_an_expenditure_for_a_service(
    uow: Callable[[], UnitOfWork], session: AsyncSession, policy: InsurancePolicy
) -> None:
    record = await create_service_record(session, policy)
    data = _input(
        policy,
        kind="expenditure",
        amount="3000.50",
        service_record_id=record.id,
        counterparty="深圳安全技术咨询有限公司",
        purpose="隐患排查服务费",
    )
    async with uow() as work:
        created = await add_ledger_entry(work.session, data)
    assert (created.service_record_id, created.amount) == (record.id, Decimal("3000.50"))


async def test_books_a_negative_adjustment_beside_the_entry_it_corrects(
    uow: Callable[[], UnitOfWork], session: AsyncSession, policy: InsurancePolicy
) -> None:
    wrong = await create_entry(session, policy, EXPENDITURE, "1200.00")
    data = _input(policy, kind="adjustment", amount="-200.00", corrects_id=wrong.id)
    async with uow() as work:
        created = await add_ledger_entry(work.session, data)
    entries = await FeeLedgerRepository(session).for_unit(policy.unit_id)
    assert [(e.id, e.amount) for e in entries] == [
        (wrong.id, Decimal("1200.00")),
        (created.id, Decimal("-200.00")),
    ]


@pytest.mark.parametrize(
    ("overrides", "code", "field", "rule"),
    [
        ({"policy_id": 0}, "OUT_OF_RANGE", "policyId", None),
        ({"kind": "refund"}, "INVALID_ENUM", "kind", None),
        ({"amount": 9600.0}, "MONEY_NOT_DECIMAL", "amount", None),
        (
            {"kind": "adjustment", "amount": 10.5, "corrects_id": 1},
            "MONEY_NOT_DECIMAL",
            "amount",
            None,
        ),
        ({"amount": "96.001"}, "MONEY_PRECISION", "amount", None),
        ({"amount": "abc"}, "MONEY_FORMAT", "amount", None),
        ({"amount": "0"}, "MONEY_NOT_POSITIVE", "amount", None),
        ({"kind": "expenditure", "amount": "-5"}, "MONEY_NOT_POSITIVE", "amount", None),
        ({"kind": "adjustment", "amount": "0.00", "corrects_id": 1}, "MONEY_ZERO", "amount", RULE),
        ({"kind": "adjustment", "amount": "-5"}, "CORRECTION_TARGET_REQUIRED", "correctsId", RULE),
        ({"corrects_id": 1}, "NOT_ALLOWED", "correctsId", None),
        ({"service_record_id": 1}, "NOT_ALLOWED", "serviceRecordId", None),
        ({"occurred_on": None}, "REQUIRED", "occurredOn", None),
        ({"purpose": ""}, "REQUIRED", "purpose", None),
        ({"counterparty": "机" * 129}, "TOO_LONG", "counterparty", None),
        ({"occurred_on": date(2023, 12, 31)}, "DATE_ORDER", "occurredOn", RULE),
        ({"policy_id": 999_999}, "UNKNOWN_REFERENCE", "policyId", None),
        (
            {"kind": "adjustment", "amount": "-5", "corrects_id": 999_999},
            "UNKNOWN_REFERENCE",
            "correctsId",
            None,
        ),
        (
            {"kind": "expenditure", "service_record_id": 999_999},
            "UNKNOWN_REFERENCE",
            "serviceRecordId",
            None,
        ),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    policy: InsurancePolicy,
    overrides: dict[str, Any],
    code: str,
    field: str,
    rule: str | None,
) -> None:
    bad = _input(policy, **overrides)
    error = single(await refused(uow, session, lambda s: add_ledger_entry(s, bad)))
    assert (error.code, error.field, error.rule) == (code, field, rule)


async def test_after_the_policy_year_is_fine(
    uow: Callable[[], UnitOfWork], policy: InsurancePolicy
) -> None:
    # Fees of a year may be spent after it ends ("inside or after the period start").
    data = _input(policy, kind="expenditure", occurred_on=date(2025, 2, 1))
    async with uow() as work:
        created = await add_ledger_entry(work.session, data)
    assert created.occurred_on == date(2025, 2, 1)


async def test_policy_of_another_unit_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    stranger = await create_unit(session)
    bad = _input(policy, unit_id=stranger.id)
    error = single(await refused(uow, session, lambda s: add_ledger_entry(s, bad)))
    assert (error.code, error.field) == ("POLICY_MISMATCH", "policyId")


async def test_correcting_another_units_entry_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    stranger = await create_unit(session)
    their_policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=stranger.id)
    theirs = await create_entry(session, their_policy)
    bad = _input(policy, kind="adjustment", amount="-5", corrects_id=theirs.id)
    error = single(await refused(uow, session, lambda s: add_ledger_entry(s, bad)))
    assert (error.code, error.field, error.rule) == (
        "CORRECTION_TARGET_MISMATCH",
        "correctsId",
        RULE,
    )


async def test_correcting_an_adjustment_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, policy: InsurancePolicy
) -> None:
    original = await create_entry(session, policy)
    adjustment = await create_entry(session, policy, ADJUSTMENT, "-100.00", corrects_id=original.id)
    bad = _input(policy, kind="adjustment", amount="50", corrects_id=adjustment.id)
    error = single(await refused(uow, session, lambda s: add_ledger_entry(s, bad)))
    assert (error.code, error.field, error.rule) == ("CORRECTION_TARGET_KIND", "correctsId", RULE)


async def test_paying_another_units_service_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    stranger = await create_unit(session)
    their_policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=stranger.id)
    theirs = await create_service_record(session, their_policy)
    bad = _input(policy, kind="expenditure", service_record_id=theirs.id)
    error = single(await refused(uow, session, lambda s: add_ledger_entry(s, bad)))
    assert (error.code, error.field) == ("UNKNOWN_REFERENCE", "serviceRecordId")


# -- queries ---------------------------------------------------------------------------------


async def test_balance_is_zero_for_an_empty_ledger(
    session: AsyncSession, policy: InsurancePolicy
) -> None:
    balance = await FeeLedgerRepository(session).balance(policy.unit_id, policy.id)
    assert balance == LedgerBalance(Decimal("0"), Decimal("0"), Decimal("0"))
    assert all(
        isinstance(v, Decimal) for v in (balance.allocated, balance.spent, balance.remaining)
    )


async def test_balance_sums_by_kind_with_corrections(
    session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    allocation = await create_entry(session, policy, ALLOCATION, "10000.00")
    await create_entry(session, policy, EXPENDITURE, "3000.10")
    wrong = await create_entry(session, policy, EXPENDITURE, "1200.20")
    await create_entry(session, policy, ADJUSTMENT, "-200.00", corrects_id=wrong.id)
    await create_entry(session, policy, ADJUSTMENT, "500.00", corrects_id=allocation.id)
    # Neither another policy of the unit nor another unit counts.
    next_year = await create_policy(
        session,
        insurer_id=world.insurer.id,
        unit_id=world.unit.id,
        period_start=date(2025, 1, 1),
        period_end=date(2026, 1, 1),
    )
    await create_entry(session, next_year, ALLOCATION, "777.00")
    stranger = await create_unit(session)
    their_policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=stranger.id)
    await create_entry(session, their_policy, EXPENDITURE, "999.00")

    balance = await FeeLedgerRepository(session).balance(policy.unit_id, policy.id)
    assert balance == LedgerBalance(
        allocated=Decimal("10500.00"), spent=Decimal("4000.30"), remaining=Decimal("6499.70")
    )
    assert all(
        isinstance(v, Decimal) for v in (balance.allocated, balance.spent, balance.remaining)
    )


async def test_ledger_lists_by_date_then_entry(
    session: AsyncSession, policy: InsurancePolicy
) -> None:
    late = await create_entry(session, policy, occurred_on=date(2024, 6, 1))
    first = await create_entry(session, policy, occurred_on=date(2024, 2, 1))
    second = await create_entry(session, policy, EXPENDITURE, "1.00", occurred_on=date(2024, 2, 1))
    entries = await FeeLedgerRepository(session).for_unit(policy.unit_id)
    assert [e.id for e in entries] == [first.id, second.id, late.id]
