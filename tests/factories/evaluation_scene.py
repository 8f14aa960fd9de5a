"""A small insurer-year with known figures for the drafted annual report (R-8.1-evaluation).

Insurer A, year 2024 (figures expected in tests/services/test_evaluation_draft.py):
- two 2024 policies: p1 (premium 50,000, ratio 0.2: hazard investigation x2, training x1,
  with a scheme) and p2 (premium 30,000, ratio 0.1: hazard investigation x1, no scheme);
  agreed 4 services, 13,000.00 yuan of prevention fees;
- three hazard investigations completed in 2024 (one by agency G), one planned, one
  completed in 2023; follow-ups scored 5, 3 and 4;
- three complaints filed 2024-03-04 (Monday): answered the next day with all three parts,
  answered two days later without the facts, and one never answered;
- ledger: allocations 10,000 + 3,000, expenditures 4,000 (for a service) + 500 (none);
- staff: management m1 (trained 2024, 8 h), m2 (trained only in 2023), expert e1, an
  inactive expert; agency G qualified to 2025, with two staff;
- measures: one done in 2024, one planned, one done in 2023 (left out).
Insurer B has a completed service and a complaint in 2024 that must count nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import (
    ImprovementStatus,
    LedgerEntryKind,
    ServiceCategory,
    StaffKind,
)
from store.models.agency_qualification import AgencyQualification
from store.models.insurer import Insurer
from store.models.policy_service_item import PolicyServiceItem
from tests.factories.agency import create_agency
from tests.factories.complaint import create_complaint
from tests.factories.fee_ledger_entry import create_entry
from tests.factories.follow_up import create_follow_up
from tests.factories.improvement_measure import create_measure
from tests.factories.insurance_policy import create_policy
from tests.factories.insured_unit import create_insured_unit
from tests.factories.insurer import create_insurer
from tests.factories.service_record import create_service_record
from tests.factories.service_scheme import create_scheme
from tests.factories.staff_member import create_staff_member
from tests.factories.staff_training import create_staff_training

CHINA = timezone(timedelta(hours=8))


def china(y: int, m: int, d: int, hour: int = 16) -> datetime:
    return datetime(y, m, d, hour, tzinfo=CHINA)


@dataclass(frozen=True, slots=True)
class EvaluationScene:
    a: Insurer
    b: Insurer


async def build_evaluation_scene(session: AsyncSession) -> EvaluationScene:
    a, b = await create_insurer(session), await create_insurer(session)
    u1, u2 = await create_insured_unit(session), await create_insured_unit(session)
    p1 = await create_policy(session, insurer_id=a.id, unit_id=u1.id)
    p2 = await create_policy(
        session,
        insurer_id=a.id,
        unit_id=u2.id,
        premium=Decimal("30000.00"),
        prevention_fee_ratio=Decimal("0.1000"),
        service_items=[
            PolicyServiceItem(category=ServiceCategory.HAZARD_INVESTIGATION, frequency_per_year=1)
        ],
    )
    await create_scheme(session, p1)
    agency = await create_agency(
        session,
        qualifications=[
            AgencyQualification(
                name="安全评价机构资质",
                certificate_no="APJ-(粤)-001",
                valid_until=date(2025, 6, 30),
            )
        ],
    )
    for _ in range(2):
        await create_staff_member(
            session, kind=StaffKind.AGENCY_STAFF, agency_id=agency.id, insurer_id=None
        )

    s1 = await create_service_record(session, p1)  # completed 2024-03-01
    s2 = await create_service_record(
        session, p1, completed_at=china(2024, 6, 3), started_at=china(2024, 6, 3, 9)
    )
    s3 = await create_service_record(
        session,
        p2,
        completed_at=china(2024, 5, 10),
        started_at=china(2024, 5, 10, 9),
        agency_id=agency.id,
    )
    await create_service_record(session, p1, completed=False)
    await create_service_record(
        session, p1, completed_at=china(2023, 12, 20), started_at=china(2023, 12, 20, 9)
    )
    await create_follow_up(session, s1, satisfaction=5)
    await create_follow_up(session, s2, satisfaction=3)
    await create_follow_up(session, s3, satisfaction=4)

    parts = {"answer_request": "请求按约到场", "answer_measures": "调整排班"}
    await create_complaint(
        session,
        insurer_id=a.id,
        unit_id=u1.id,
        status="answered",
        answered_at=china(2024, 3, 5),
        answer_facts="核实迟到属实，依据服务方案第3条",
        **parts,
    )
    await create_complaint(
        session,
        insurer_id=a.id,
        unit_id=u1.id,
        status="answered",
        answered_at=china(2024, 3, 6),
        answer_facts="  ",
        **parts,
    )
    await create_complaint(session, insurer_id=a.id, unit_id=u2.id)

    await create_entry(session, p1, amount="10000.00")
    await create_entry(session, p2, amount="3000.00")
    await create_entry(
        session,
        p1,
        LedgerEntryKind.EXPENDITURE,
        "4000.00",
        service_record_id=s1.id,
        occurred_on=date(2024, 3, 10),
        purpose="隐患排查服务费",
    )
    await create_entry(
        session,
        p1,
        LedgerEntryKind.EXPENDITURE,
        "500.00",
        occurred_on=date(2024, 4, 1),
        purpose="宣传资料印制",
    )

    m1 = await create_staff_member(session, insurer_id=a.id)
    m2 = await create_staff_member(session, insurer_id=a.id)
    await create_staff_member(session, insurer_id=a.id, kind=StaffKind.EXPERT)
    await create_staff_member(session, insurer_id=a.id, kind=StaffKind.EXPERT, active=False)
    await create_staff_training(session, staff_id=m1.id, insurer_id=a.id)  # 2024-03-15, 8 h
    await create_staff_training(
        session, staff_id=m2.id, insurer_id=a.id, trained_on=date(2023, 11, 1)
    )

    await create_measure(
        session,
        insurer_id=a.id,
        status=ImprovementStatus.DONE,
        completed_at=datetime(2024, 9, 1, 2, tzinfo=UTC),
        problem="回访不及时<script>",
        measure="设专人回访",
    )
    await create_measure(session, insurer_id=a.id, due_on=date(2025, 6, 30))
    await create_measure(
        session,
        insurer_id=a.id,
        status=ImprovementStatus.DONE,
        completed_at=datetime(2023, 6, 1, 2, tzinfo=UTC),
        problem="旧问题",
    )

    # Insurer B: nothing of this may reach A's report.
    ub = await create_insured_unit(session)
    pb = await create_policy(session, insurer_id=b.id, unit_id=ub.id)
    sb = await create_service_record(session, pb)
    await create_follow_up(session, sb, satisfaction=1)
    await create_complaint(session, insurer_id=b.id, unit_id=ub.id)
    await create_measure(session, insurer_id=b.id, problem="乙公司的问题")
    return EvaluationScene(a=a, b=b)
