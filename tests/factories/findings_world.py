"""A small, fully known data set for the compliance findings of every rule but the working-day
ones (those use ``stats_world``): R-5.1-annual, R-4.1-contract, R-6.1-scheme,
R-6.2-major-hazard, R-7.1-staff, R-7.3-ledger, R-7.4-archive, R-8.1-evaluation,
R-8.2-publication, and R-7.1-staff's agency half (no work for a suspended agency). Every
subject has a compliant and a non-compliant twin; the expected
states are in tests/services/test_findings_rules.py (as of 2025-06-02 unless said).

Insurer A works in Guangdong (unit g1, g2), insurer B in Henan (unit h1); 2024 policies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import (
    AgencyStatus,
    EvaluationStatus,
    LedgerEntryKind,
    ServiceCategory,
    StaffKind,
)
from store.models.agency import Agency
from store.models.agency_status_change import AgencyStatusChange
from store.models.hazard import Hazard
from store.models.insurance_policy import InsurancePolicy
from store.models.insured_unit import InsuredUnit
from store.models.insurer import Insurer
from store.models.policy_service_item import PolicyServiceItem
from store.models.service_record import ServiceRecord
from store.models.staff_member import StaffMember
from tests.factories.agency import create_agency
from tests.factories.agency_contract import create_contract
from tests.factories.annual_evaluation import create_evaluation
from tests.factories.complaint import create_complaint
from tests.factories.fee_ledger_entry import create_entry
from tests.factories.insurance_policy import create_policy
from tests.factories.insured_unit import create_insured_unit
from tests.factories.insurer import create_insurer
from tests.factories.service_record import create_service_record
from tests.factories.service_scheme import create_scheme
from tests.factories.staff_member import create_staff_member
from tests.factories.staff_training import create_staff_training
from tests.factories.stats_world import ANSWER_PARTS, china, completed

HI, RA, TR = (
    ServiceCategory.HAZARD_INVESTIGATION,
    ServiceCategory.RISK_ASSESSMENT,
    ServiceCategory.TRAINING,
)
SPENT = LedgerEntryKind.EXPENDITURE


@dataclass(frozen=True, slots=True)
class FindingsWorld:
    a: Insurer  # Guangdong; its 2024 report complete, submitted and published in time
    b: Insurer  # Henan; its 2024 report a draft with an empty section, never submitted
    g1: InsuredUnit  # 440305 C26 (hazardous chemicals) above size: every rule met
    g2: InsuredUnit  # 440305 E47 (construction) above size: every rule broken
    h1: InsuredUnit  # 410102 C13, not high-risk: no R-5.1-annual finding
    p_g1: InsurancePolicy
    p_g2: InsurancePolicy
    p_h1: InsurancePolicy
    s_met: ServiceRecord  # g1: under a complete scheme agreed in January
    s_unschemed: ServiceRecord  # g2: no scheme named
    s_early: ServiceRecord  # g2: its scheme was agreed after it began
    s_incomplete: ServiceRecord  # h1: its scheme lacks 预期效果
    major_told: Hazard
    major_untold: Hazard
    trained: StaffMember  # A's manager trained in 2024 (hired 2023, untrained then)
    untrained: StaffMember  # B's manager, hired 2024, never trained
    # R-7.1-staff: g1's scheme and s_met go to an agency never suspended (under contract,
    # R-7.4-archive); g2's late scheme and s_unschemed to one suspended from 1 June to 15 July
    # 2024 (no contract).
    good_agency: Agency
    suspended_agency: Agency
    suspension: AgencyStatusChange


async def build_findings_world(session: AsyncSession) -> FindingsWorld:
    a = await create_insurer(session, name="甲保险")
    b = await create_insurer(session, name="乙保险")
    g1 = await create_insured_unit(session, region_code="440305", industry_code="C26")
    g2 = await create_insured_unit(session, region_code="440305", industry_code="E47")
    h1 = await create_insured_unit(
        session, region_code="410102", industry_code="C13", above_designated_size=False
    )
    p_g1 = await create_policy(session, insurer_id=a.id, unit_id=g1.id)
    p_g2 = await create_policy(
        session,
        insurer_id=a.id,
        unit_id=g2.id,
        # Three trainings agreed, two delivered (R-4.1-contract broken).
        service_items=[PolicyServiceItem(category=TR, frequency_per_year=3)],
    )
    p_h1 = await create_policy(
        session,
        insurer_id=b.id,
        unit_id=h1.id,
        premium=Decimal("30000.00"),
        service_items=[PolicyServiceItem(category=HI, frequency_per_year=1)],
    )
    good, suspended, suspension = await _agencies(session)
    records = await _services(session, p_g1, p_g2, p_h1, good.id, suspended.id)
    await create_contract(session, p_g1, good.id)
    await _ledger(session, p_g1, p_g2, p_h1, records)
    await _complaints(session, a, b, g1, g2, h1)
    trained, untrained = await _staff(session, a, b)
    await _evaluations(session, a, b)
    s_met, s_unschemed, s_early, s_incomplete, major_told, major_untold = records
    return FindingsWorld(
        a, b, g1, g2, h1, p_g1, p_g2, p_h1,
        s_met, s_unschemed, s_early, s_incomplete,
        major_told, major_untold, trained, untrained, good, suspended, suspension,
    )  # fmt: skip


async def _agencies(session: AsyncSession) -> tuple[Agency, Agency, AgencyStatusChange]:
    good = await create_agency(session)
    suspended = await create_agency(session)
    suspension = AgencyStatusChange(
        agency_id=suspended.id,
        status=AgencyStatus.SUSPENDED,
        changed_at=china(2024, 6, 1, 9),
        reason="年度考核不合格",
    )
    reinstated = AgencyStatusChange(
        agency_id=suspended.id,
        status=AgencyStatus.ACTIVE,
        changed_at=china(2024, 7, 15, 9),
        reason="整改完成",
    )
    session.add_all([suspension, reinstated])
    await session.flush()
    return good, suspended, suspension


async def _began(
    session: AsyncSession,
    policy: InsurancePolicy,
    category: ServiceCategory,
    began: datetime,
    done: datetime,
    **overrides: Any,
) -> ServiceRecord:
    """A service begun and completed at the given instants (``completed`` begins it 4 h
    before)."""
    return await create_service_record(
        session, policy, category=category, planned_on=began.date(), started_at=began,
        completed_at=done, **overrides,
    )  # fmt: skip


async def _services(
    session: AsyncSession,
    p_g1: InsurancePolicy,
    p_g2: InsurancePolicy,
    p_h1: InsurancePolicy,
    good: int,
    suspended: int,
) -> tuple[Any, ...]:
    scheme = await create_scheme(session, p_g1, agency_id=good)  # agreed 5 Jan 2024, complete
    late_scheme = await create_scheme(
        session, p_g2, agreed_at=china(2024, 7, 1), agency_id=suspended
    )
    thin = await create_scheme(session, p_h1, expected_effect="  ")
    told = Hazard(
        description="储罐区可燃气体报警器失效",
        is_major=True,
        found_at=china(2024, 3, 1, 10),
        told_at=china(2024, 3, 4, 10),  # three days later: late only with a 1-day deadline
    )
    untold = Hazard(description="脚手架连墙件缺失", is_major=True, found_at=china(2024, 6, 3, 10))
    minor = Hazard(description="灭火器压力不足", is_major=False, found_at=china(2024, 6, 3, 11))
    # g1: two hazard investigations (the agreed 2) and a training, all under the scheme; the
    # second investigation ends at 23:30 on 31 Dec in China: still in the 2024 policy year.
    s_met = await completed(
        session, p_g1, HI, china(2024, 3, 1), scheme_id=scheme.id, hazards=[told],
        organised_at=china(2024, 3, 5), agency_id=good,
    )  # fmt: skip
    await _began(
        session, p_g1, HI, china(2024, 12, 31, 20), china(2024, 12, 31, 23),
        scheme_id=scheme.id, organised_at=china(2025, 1, 6),
    )  # fmt: skip
    await completed(
        session, p_g1, TR, china(2024, 5, 6), scheme_id=scheme.id, organised_at=china(2024, 5, 7)
    )
    # g2: a training only (no risk assessment or investigation: R-5.1-annual broken), no
    # scheme named, never organised; a risk assessment at 00:30 on 1 Jan 2025 in China falls
    # in the next year; a service begun before its scheme was agreed.
    s_unschemed = await completed(
        session, p_g2, TR, china(2024, 6, 3), hazards=[untold, minor], agency_id=suspended
    )
    await _began(
        session, p_g2, RA, china(2024, 12, 31, 21), china(2025, 1, 1, 0),
        scheme_id=late_scheme.id, organised_at=china(2025, 1, 3),
    )  # fmt: skip
    s_early = await completed(
        session, p_g2, TR, china(2024, 6, 20), scheme_id=late_scheme.id,
        organised_at=china(2024, 6, 21),
    )  # fmt: skip
    s_incomplete = await completed(
        session, p_h1, HI, china(2024, 4, 1), scheme_id=thin.id, organised_at=china(2024, 4, 2)
    )
    return s_met, s_unschemed, s_early, s_incomplete, told, untold


async def _ledger(
    session: AsyncSession,
    p_g1: InsurancePolicy,
    p_g2: InsurancePolicy,
    p_h1: InsurancePolicy,
    records: tuple[Any, ...],
) -> None:
    s_met = records[0]
    # g1: the agreed 20% of 50,000 (10,000.00) spent on a service.
    await create_entry(session, p_g1)  # allocation
    await create_entry(session, p_g1, SPENT, "10000.00", service_record_id=s_met.id)
    # g2: no ledger at all (R-7.3-ledger short, R-7.4-archive missing the ledger).
    # h1: enough spent (6,000 of 6,000), but 1,000 of it with no service behind it.
    await create_entry(session, p_h1, SPENT, "5000.00", service_record_id=records[3].id)
    await create_entry(session, p_h1, SPENT, "1000.00")


async def _complaints(
    session: AsyncSession,
    a: Insurer,
    b: Insurer,
    g1: InsuredUnit,
    g2: InsuredUnit,
    h1: InsuredUnit,
) -> None:
    answered = {"answered_at": china(2024, 4, 2), **ANSWER_PARTS}
    await create_complaint(
        session, insurer_id=a.id, unit_id=g1.id, filed_at=china(2024, 4, 1), **answered
    )
    # g2: never answered (R-7.4-archive: complaints and their handling missing).
    await create_complaint(session, insurer_id=a.id, unit_id=g2.id, filed_at=china(2024, 4, 1))
    # h1: answered on time but without the facts found (R-6.4-complaint: not an answer).
    await create_complaint(
        session,
        insurer_id=b.id,
        unit_id=h1.id,
        filed_at=china(2024, 4, 1),
        **{**answered, "answer_facts": None},
    )


async def _staff(session: AsyncSession, a: Insurer, b: Insurer) -> tuple[StaffMember, ...]:
    trained = await create_staff_member(session, insurer_id=a.id, hired_on=date(2023, 3, 1))
    await create_staff_training(
        session, staff_id=trained.id, insurer_id=a.id, trained_on=date(2024, 12, 31)
    )
    untrained = await create_staff_member(session, insurer_id=b.id, hired_on=date(2024, 2, 1))
    # Experts are not management staff: R-7.1-staff does not measure them.
    await create_staff_member(session, insurer_id=b.id, kind=StaffKind.EXPERT)
    return trained, untrained


async def _evaluations(session: AsyncSession, a: Insurer, b: Insurer) -> None:
    at = datetime.fromisoformat
    await create_evaluation(
        session,
        insurer_id=a.id,
        year=2024,
        status=EvaluationStatus.PUBLISHED,
        created_at=china(2025, 1, 20),
        submitted_at=china(2025, 2, 1),
        submitted_to="广东省应急管理厅",
        published_at=china(2025, 3, 1),
    )
    await create_evaluation(
        session,
        insurer_id=b.id,
        year=2024,
        created_at=at("2025-01-20T10:00:00+08:00"),
        problems_and_measures="",
    )
