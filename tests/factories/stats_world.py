"""A small, fully known data set for the dashboard aggregates (tests of services.stats).

Two insurers, five units in regions chosen for the roll-up cases (a county under a city, the
county-level city 419001 directly under its province, a unit registered at a city), and
services, follow-ups, decisions, complaints, ledger entries and hazards whose deadlines fall
around the 2024 Spring Festival and National Day holidays. Expected figures are in the tests.

Times are given as instants in China (UTC+8), the way the deadlines read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import ConfirmationDecision, LedgerEntryKind, ServiceCategory
from store.models.insurance_policy import InsurancePolicy
from store.models.insured_unit import InsuredUnit
from store.models.insurer import Insurer
from store.models.service_record import ServiceRecord
from tests.factories.complaint import create_complaint
from tests.factories.fee_ledger_entry import create_entry
from tests.factories.follow_up import create_follow_up
from tests.factories.insurance_policy import create_policy
from tests.factories.insured_unit import create_insured_unit
from tests.factories.insurer import create_insurer
from tests.factories.service_record import create_service_record, hazard
from tests.factories.unit_confirmation import create_confirmation

CHINA = timezone(timedelta(hours=8))
ANSWER_PARTS = {
    "answer_request": "按约定时间到场服务",
    "answer_facts": "服务人员迟到两小时，有签到记录为证",
    "answer_measures": "调整排班并补做服务",
}


def china(y: int, m: int, d: int, hour: int = 16) -> datetime:
    """An instant on day y-m-d in China (16:00 by default, office hours)."""
    return datetime(y, m, d, hour, tzinfo=CHINA)


@dataclass(frozen=True, slots=True)
class StatsWorld:
    a: Insurer
    b: Insurer
    u1: InsuredUnit  # 440305 南山区 (county) · C26 high-risk · above size · insurer A
    u2: InsuredUnit  # 410102 中原区 (county) · C13 · not above size · insurer B
    u3: InsuredUnit  # 419001 济源市 (county-level city under 410000) · E47 high-risk · A
    u4: InsuredUnit  # 440300 深圳市 (registered at a city) · C26 · not above size · B
    u5: InsuredUnit  # 410102 · C13 · covered only in 2022 · A


async def completed(
    session: AsyncSession,
    policy: InsurancePolicy,
    category: ServiceCategory,
    done: datetime,
    **overrides: Any,
) -> ServiceRecord:
    return await create_service_record(
        session,
        policy,
        category=category,
        planned_on=done.date(),
        started_at=done - timedelta(hours=4),
        completed_at=done,
        **overrides,
    )


async def build_stats_world(session: AsyncSession) -> StatsWorld:
    a, b = (
        await create_insurer(session, name="甲保险"),
        await create_insurer(session, name="乙保险"),
    )
    u1 = await create_insured_unit(session, region_code="440305", industry_code="C26")
    u2 = await create_insured_unit(
        session, region_code="410102", industry_code="C13", above_designated_size=False
    )
    u3 = await create_insured_unit(session, region_code="419001", industry_code="E47")
    u4 = await create_insured_unit(
        session, region_code="440300", industry_code="C26", above_designated_size=False
    )
    u5 = await create_insured_unit(session, region_code="410102", industry_code="C13")

    p1 = await create_policy(session, insurer_id=a.id, unit_id=u1.id)  # 2024
    p2 = await create_policy(session, insurer_id=b.id, unit_id=u2.id)
    p3 = await create_policy(
        session,
        insurer_id=a.id,
        unit_id=u3.id,
        period_start=date(2023, 7, 1),
        period_end=date(2024, 7, 1),
    )
    p4 = await create_policy(session, insurer_id=b.id, unit_id=u4.id)
    await create_policy(
        session,
        insurer_id=a.id,
        unit_id=u5.id,
        period_start=date(2022, 1, 1),
        period_end=date(2023, 1, 1),
    )
    await _services(session, p1, p2, p3, p4)
    await _complaints(session, a, b, u1, u2, u3, u4)
    await _ledger(session, p1, p2, p3)
    return StatsWorld(a, b, u1, u2, u3, u4, u5)


async def _services(
    session: AsyncSession,
    p1: InsurancePolicy,
    p2: InsurancePolicy,
    p3: InsurancePolicy,
    p4: InsurancePolicy,
) -> None:
    hi, tr = ServiceCategory.HAZARD_INVESTIGATION, ServiceCategory.TRAINING
    confirmed, disputed = ConfirmationDecision.CONFIRMED, ConfirmationDecision.DISPUTED
    # S1: Thursday before the Spring Festival; 5 working days run to Wed 21 Feb (the
    # holiday 10–17 Feb is off, Sunday 18 Feb is a make-up working day).
    s1 = await completed(
        session,
        p1,
        hi,
        china(2024, 2, 8),
        organised_at=china(2024, 2, 28),  # 10th working day: on time
        hazards=[hazard(found_at=china(2024, 2, 8, 10), told_at=china(2024, 2, 8, 11))],
    )
    await create_follow_up(session, s1, visited_at=china(2024, 2, 20), satisfaction=5)
    await create_confirmation(session, s1, decision=confirmed, decided_at=china(2024, 3, 1))
    # S2: Monday before National Day; 5 working days end on Saturday 12 Oct (make-up day).
    s2 = await completed(session, p1, tr, china(2024, 9, 30, 11))  # never organised: overdue
    await create_follow_up(session, s2, visited_at=china(2024, 10, 12), satisfaction=4)
    await create_confirmation(session, s2, decision=disputed, decided_at=china(2024, 10, 9))
    await create_confirmation(session, s2, decision=confirmed, decided_at=china(2024, 10, 15))
    # S3: same day, visited on Monday 14 Oct: late; organised 21 Oct (due 18 Oct): late.
    s3 = await completed(
        session,
        p2,
        ServiceCategory.RISK_ASSESSMENT,
        china(2024, 9, 30, 11),
        organised_at=china(2024, 10, 21),
    )
    await create_follow_up(session, s3, visited_at=china(2024, 10, 14), satisfaction=2)
    await create_follow_up(session, s3, visited_at=china(2024, 10, 20), satisfaction=3)
    await create_confirmation(session, s3, decision=confirmed, decided_at=china(2024, 10, 9))
    await create_confirmation(session, s3, decision=disputed, decided_at=china(2024, 10, 15))
    # S4: no follow-up (overdue), organised in time, no decision; three hazards.
    await completed(
        session,
        p3,
        hi,
        china(2024, 3, 1),
        organised_at=china(2024, 3, 5),
        hazards=[
            hazard(found_at=china(2024, 3, 1, 10), told_at=china(2024, 3, 1, 12)),
            hazard(found_at=china(2024, 3, 1, 10)),  # major, never told
            hazard(is_major=False, found_at=china(2024, 3, 1, 10)),
        ],
    )
    # S5: completed 30 Dec 2024; due 7 Jan / 14 Jan 2025, after the as-of day: pending.
    await completed(session, p4, ServiceCategory.EMERGENCY_PLAN, china(2024, 12, 30))
    # S6: planned only: counted nowhere.
    await create_service_record(session, p1, completed=False)
    # S7: 2023, outside the 2024 range.
    s7 = await completed(session, p3, tr, china(2023, 11, 15))
    await create_follow_up(session, s7, visited_at=china(2023, 11, 16), satisfaction=1)


async def _complaints(
    session: AsyncSession,
    a: Insurer,
    b: Insurer,
    u1: InsuredUnit,
    u2: InsuredUnit,
    u3: InsuredUnit,
    u4: InsuredUnit,
) -> None:
    async def filed(insurer: Insurer, unit: InsuredUnit, when: datetime, **kw: Any) -> None:
        if kw.get("answered_at") is not None:  # an answer has its three parts (R-6.4-complaint)
            kw = {**ANSWER_PARTS, **kw}
        await create_complaint(session, insurer_id=insurer.id, unit_id=unit.id, filed_at=when, **kw)

    await filed(a, u1, china(2024, 2, 8, 10), answered_at=china(2024, 2, 21))  # on time
    await filed(  # needs verification: 10 working days, due 18 Oct: on time
        b, u2, china(2024, 9, 30, 10), needs_verification=True, answered_at=china(2024, 10, 18)
    )
    await filed(b, u2, china(2024, 9, 30, 10), answered_at=china(2024, 10, 14))  # late
    await filed(a, u3, china(2024, 3, 4, 10))  # never answered: overdue
    await filed(b, u4, china(2024, 12, 31, 10), needs_verification=True)  # pending


async def _ledger(
    session: AsyncSession, p1: InsurancePolicy, p2: InsurancePolicy, p3: InsurancePolicy
) -> None:
    allocation, spent = LedgerEntryKind.ALLOCATION, LedgerEntryKind.EXPENDITURE
    adjustment = LedgerEntryKind.ADJUSTMENT
    e1 = await create_entry(session, p1, allocation, "10000.00", occurred_on=date(2024, 1, 15))
    await create_entry(session, p1, spent, "3000.50", occurred_on=date(2024, 3, 10))
    await create_entry(
        session, p1, adjustment, "-500.25", occurred_on=date(2024, 4, 1), corrects_id=e1.id
    )
    await create_entry(session, p2, allocation, "8000.00", occurred_on=date(2024, 1, 20))
    e5 = await create_entry(session, p2, spent, "2000.00", occurred_on=date(2024, 10, 1))
    await create_entry(
        session, p2, adjustment, "100.10", occurred_on=date(2024, 10, 5), corrects_id=e5.id
    )
    await create_entry(session, p3, allocation, "5000.00", occurred_on=date(2023, 7, 15))
