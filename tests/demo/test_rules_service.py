"""Every rule of clauses 4–6 has compliant and non-compliant cases in the demo data set,
found by the queries a regulator's report would run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from store.demo.clock import REFERENCE_DATE
from store.enums import ServiceCategory
from store.models import (
    Complaint,
    FollowUp,
    Hazard,
    Industry,
    InsurancePolicy,
    InsuredUnit,
    PolicyServiceItem,
    ServiceRecord,
    ServiceScheme,
    UnitConfirmation,
)
from tests.demo.rules import both, rows, workdays, workdays_to_reference

ANNUAL = (ServiceCategory.RISK_ASSESSMENT, ServiceCategory.HAZARD_INVESTIGATION)
completed = ServiceRecord.completed_at.is_not(None)


async def test_r_5_1_annual_risk_service_for_above_size_high_risk_units(
    seeded: AsyncConnection,
) -> None:
    served = (
        select(ServiceRecord.id)
        .where(
            ServiceRecord.policy_id == InsurancePolicy.id,
            completed,
            ServiceRecord.category.in_(ANNUAL),
        )
        .exists()
    )
    statement = (
        select(served)
        .select_from(InsurancePolicy)
        .join(InsuredUnit, InsuredUnit.id == InsurancePolicy.unit_id)
        .join(Industry, Industry.code == InsuredUnit.industry_code)
        .where(
            InsuredUnit.above_designated_size.is_(True),
            Industry.high_risk_category.is_not(None),
            InsurancePolicy.period_end <= REFERENCE_DATE,
        )  # complete policy years only
    )
    cases = Counter("served" if bool(s) else "finding" for (s,) in await rows(seeded, statement))
    both(cases, "served", "finding")


async def test_r_4_1_contract_delivered_versus_agreed_frequency(seeded: AsyncConnection) -> None:
    delivered = (
        select(func.count())
        .where(
            ServiceRecord.policy_id == PolicyServiceItem.policy_id,
            ServiceRecord.category == PolicyServiceItem.category,
            completed,
        )
        .scalar_subquery()
    )
    statement = (
        select(PolicyServiceItem.frequency_per_year, delivered)
        .join(InsurancePolicy, InsurancePolicy.id == PolicyServiceItem.policy_id)
        .where(InsurancePolicy.period_end <= REFERENCE_DATE)
    )
    cases = Counter(
        "kept" if done >= agreed else "short" for agreed, done in await rows(seeded, statement)
    )
    both(cases, "kept", "short")


async def test_r_5_3_every_record_names_who_is_responsible(seeded: AsyncConnection) -> None:
    statement = select(
        ServiceRecord.responsible_party, ServiceRecord.responsible_agency_id.is_not(None)
    )
    cases = Counter((str(party), bool(named)) for party, named in await rows(seeded, statement))
    both(cases, ("insurer", False), ("broker", True), ("third_party", True))
    assert cases[("broker", False)] == cases[("third_party", False)] == 0
    assert cases[("insurer", True)] == 0


async def test_r_6_1_scheme_before_services(seeded: AsyncConnection) -> None:
    statement = (
        select(ServiceRecord.started_at, ServiceScheme.agreed_at)
        .outerjoin(ServiceScheme, ServiceScheme.id == ServiceRecord.scheme_id)
        .where(ServiceRecord.started_at.is_not(None))
    )
    cases: Counter[Hashable] = Counter()
    for started, agreed in await rows(seeded, statement):
        cases["no scheme" if agreed is None else "late" if agreed > started else "in place"] += 1
    both(cases, "in place", "no scheme", "late")
    no_scheme = (
        select(func.count())
        .select_from(InsurancePolicy)
        .where(
            ~select(ServiceScheme.id).where(ServiceScheme.policy_id == InsurancePolicy.id).exists()
        )
    )
    assert (await seeded.execute(no_scheme)).scalar_one() > 0  # units with no scheme at all


async def test_r_6_2_major_hazards_told_and_untold(seeded: AsyncConnection) -> None:
    statement = select(Hazard.told_at.is_not(None)).where(Hazard.is_major.is_(True))
    cases = Counter("told" if bool(t) else "untold" for (t,) in await rows(seeded, statement))
    both(cases, "told", "untold")


async def test_r_6_3_followup_within_five_working_days(seeded: AsyncConnection) -> None:
    first_visit = (
        select(FollowUp.service_record_id, func.min(FollowUp.visited_at).label("visited"))
        .group_by(FollowUp.service_record_id)
        .subquery()
    )
    statement = (
        select(ServiceRecord.completed_at, first_visit.c.visited)
        .outerjoin(first_visit, first_visit.c.service_record_id == ServiceRecord.id)
        .where(completed)
    )
    cases: Counter[Hashable] = Counter()
    for done, visited in await rows(seeded, statement):
        if visited is not None:
            cases["on time" if workdays(done, visited) <= 5 else "late"] += 1
        elif workdays_to_reference(done) > 5:
            cases["missing"] += 1
    both(cases, "on time", "late", "missing")


async def test_r_6_3_archive_organised_within_ten_working_days(seeded: AsyncConnection) -> None:
    statement = select(ServiceRecord.completed_at, ServiceRecord.organised_at).where(completed)
    cases: Counter[Hashable] = Counter()
    for done, organised in await rows(seeded, statement):
        if organised is not None:
            cases["on time" if workdays(done, organised) <= 10 else "late"] += 1
        elif workdays_to_reference(done) > 10:
            cases["never"] += 1
    both(cases, "on time", "late", "never")


async def test_r_6_3_archive_confirmed_by_the_unit(seeded: AsyncConnection) -> None:
    latest = (
        select(UnitConfirmation.service_record_id, func.max(UnitConfirmation.id).label("id"))
        .group_by(UnitConfirmation.service_record_id)
        .subquery()
    )
    statement = (
        select(ServiceRecord.status, UnitConfirmation.decision)
        .outerjoin(latest, latest.c.service_record_id == ServiceRecord.id)
        .outerjoin(UnitConfirmation, UnitConfirmation.id == latest.c.id)
        .where(completed)
    )
    cases = Counter(
        (str(status), str(decision) if decision else None)
        for status, decision in await rows(seeded, statement)
    )
    both(cases, ("confirmed", "confirmed"), ("disputed", "disputed"), ("completed", None))
    # The record's status follows the unit's latest decision, nothing else.
    assert set(cases) == {("confirmed", "confirmed"), ("disputed", "disputed"), ("completed", None)}
    reconsidered = select(func.count()).select_from(
        select(UnitConfirmation.service_record_id)
        .group_by(UnitConfirmation.service_record_id)
        .having(func.count() > 1)
        .subquery()
    )
    assert (await seeded.execute(reconsidered)).scalar_one() > 0  # disputed, then confirmed


async def test_r_6_4_complaint_answers(seeded: AsyncConnection) -> None:
    statement = select(
        Complaint.filed_at,
        Complaint.answered_at,
        Complaint.needs_verification,
        Complaint.answer_request,
        Complaint.answer_facts,
        Complaint.answer_measures,
    )
    cases: Counter[Hashable] = Counter()
    for filed, answered, verify, *parts in await rows(seeded, statement):
        limit = 10 if verify else 5  # R-6.4-complaint: 5 working days, 10 with verification
        if answered is None:
            if workdays_to_reference(filed) > limit:
                cases["never"] += 1
        elif workdays(filed, answered) > limit:
            cases["late"] += 1
        elif None in parts:
            cases["part missing"] += 1
        else:
            cases["verified on time" if verify else "on time"] += 1
    both(cases, "on time", "verified on time", "late", "never", "part missing")
