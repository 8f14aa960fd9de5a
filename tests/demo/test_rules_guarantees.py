"""Every rule of clauses 7–8 has compliant and non-compliant cases in the demo data set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from store.demo.clock import REFERENCE_DATE
from store.demo.gen_oversight import EVALUATION_YEARS
from store.enums import AgencyStatus, LedgerEntryKind, StaffKind
from store.models import (
    AgencyStatusChange,
    AnnualEvaluation,
    FeeLedgerEntry,
    ImprovementMeasure,
    InsurancePolicy,
    Insurer,
    ServiceScheme,
    StaffMember,
    StaffTraining,
)
from tests.demo.rules import both, rows

CENT = Decimal("0.01")


def _money(value: object) -> Decimal:
    # SQLite sums NUMERIC as floats; two places are all the data set ever holds.
    return Decimal(str(value)).quantize(CENT)


async def test_r_7_1_management_staff_trained_every_year(seeded: AsyncConnection) -> None:
    trained = (
        select(StaffTraining.id)
        .where(
            StaffTraining.staff_id == StaffMember.id,
            StaffTraining.trained_on >= date(2025, 1, 1),
            StaffTraining.trained_on <= date(2025, 12, 31),
        )
        .exists()
    )
    statement = select(trained).where(StaffMember.kind == StaffKind.MANAGEMENT)
    cases = Counter("trained" if bool(t) else "untrained" for (t,) in await rows(seeded, statement))
    both(cases, "trained", "untrained")


async def test_r_7_1_suspended_agencies_get_no_new_work(seeded: AsyncConnection) -> None:
    """Schemes agreed while their agency was suspended, by its status history (some lifted)."""
    c, later = AgencyStatusChange, aliased(AgencyStatusChange)
    lifted = (
        select(later.id)
        .where(
            later.agency_id == c.agency_id,
            later.status == AgencyStatus.ACTIVE,
            later.changed_at > c.changed_at,
            later.changed_at <= ServiceScheme.agreed_at,
        )
        .exists()
    )
    during = (
        select(c.id)
        .where(
            c.agency_id == ServiceScheme.agency_id,
            c.status == AgencyStatus.SUSPENDED,
            c.changed_at <= ServiceScheme.agreed_at,
            ~lifted,
        )
        .exists()
    )
    statement = select(during).where(ServiceScheme.agency_id.is_not(None))
    cases = Counter(
        "after suspension" if bool(a) else "fine" for (a,) in await rows(seeded, statement)
    )
    both(cases, "fine", "after suspension")


async def test_r_7_3_ledger_against_the_fee_ratio(seeded: AsyncConnection) -> None:
    allocation = FeeLedgerEntry.kind == LedgerEntryKind.ALLOCATION
    per_policy = (
        select(
            FeeLedgerEntry.policy_id,
            func.sum(case((allocation, FeeLedgerEntry.amount), else_=0)).label("allocated"),
            func.sum(case((allocation, 0), else_=FeeLedgerEntry.amount)).label("spent"),
        )
        .group_by(FeeLedgerEntry.policy_id)
        .subquery()
    )
    statement = (
        select(
            InsurancePolicy.premium,
            InsurancePolicy.prevention_fee_ratio,
            per_policy.c.allocated,
            per_policy.c.spent,
        )
        .join(per_policy, per_policy.c.policy_id == InsurancePolicy.id)
        .where(InsurancePolicy.period_end <= REFERENCE_DATE)
    )
    cases: Counter[Hashable] = Counter()
    for premium, ratio, allocated, spent in await rows(seeded, statement):
        expected = (Decimal(str(premium)) * Decimal(str(ratio))).quantize(CENT)
        assert abs(_money(allocated) - expected) <= CENT  # set aside from premium by the ratio
        share = _money(spent) / _money(allocated)
        cases["under" if share < Decimal("0.5") else "over" if share > 1 else "in line"] += 1
    both(cases, "in line", "under", "over")

    backed = select(FeeLedgerEntry.service_record_id.is_not(None)).where(
        FeeLedgerEntry.kind == LedgerEntryKind.EXPENDITURE
    )
    spending = Counter(
        "service" if bool(b) else "no service" for (b,) in await rows(seeded, backed)
    )
    both(spending, "service", "no service")


async def test_r_7_4_corrections_are_new_versions(seeded: AsyncConnection) -> None:
    revised = select(func.count()).where(ServiceScheme.supersedes_id.is_not(None))
    corrected = select(func.count()).where(FeeLedgerEntry.corrects_id.is_not(None))
    reissued = select(func.count()).where(AnnualEvaluation.supersedes_id.is_not(None))
    for statement in (revised, corrected, reissued):
        assert (await seeded.execute(statement)).scalar_one() > 0


async def test_r_8_1_evaluations_have_six_sections_and_some_years_are_missing(
    seeded: AsyncConnection,
) -> None:
    sections = (
        AnnualEvaluation.scheme_implementation,
        AnnualEvaluation.unit_satisfaction,
        AnnualEvaluation.fee_expenditure,
        AnnualEvaluation.staff_competence,
        AnnualEvaluation.complaints_handling,
        AnnualEvaluation.problems_and_measures,
    )
    for row in await rows(seeded, select(*sections)):
        assert all(text.strip() for text in row)
    present = {
        tuple(r)
        for r in await rows(
            seeded, select(AnnualEvaluation.insurer_id, AnnualEvaluation.year).distinct()
        )
    }
    insurers = [i for (i,) in await rows(seeded, select(Insurer.id))]
    expected = {(i, y) for i in insurers for y in EVALUATION_YEARS}
    assert present < expected  # written for most years, but not all


async def test_r_8_2_reports_submitted_and_published(seeded: AsyncConnection) -> None:
    # The latest version per insurer and year counts; older ones are kept beside it.
    newest = (
        select(
            AnnualEvaluation.insurer_id,
            AnnualEvaluation.year,
            func.max(AnnualEvaluation.version).label("version"),
        )
        .group_by(AnnualEvaluation.insurer_id, AnnualEvaluation.year)
        .subquery()
    )
    statement = select(
        AnnualEvaluation.status, AnnualEvaluation.submitted_at, AnnualEvaluation.published_at
    ).join(
        newest,
        and_(
            newest.c.insurer_id == AnnualEvaluation.insurer_id,
            newest.c.year == AnnualEvaluation.year,
            newest.c.version == AnnualEvaluation.version,
        ),
    )
    cases: Counter[Hashable] = Counter()
    for status, submitted, published in await rows(seeded, statement):
        cases[str(status)] += 1
        if str(status) == "published":
            assert submitted is not None and published is not None and published > submitted
        if str(status) == "submitted":
            assert submitted is not None and published is None
    both(cases, "published", "submitted", "draft")


async def test_r_8_3_improvement_measures_tracked(seeded: AsyncConnection) -> None:
    statement = select(
        ImprovementMeasure.source, ImprovementMeasure.status, ImprovementMeasure.due_on
    )
    sources: Counter[Hashable] = Counter()
    progress: Counter[Hashable] = Counter()
    for source, status, due in await rows(seeded, statement):
        sources[str(source)] += 1
        if str(status) == "done":
            progress["done"] += 1
        elif due < REFERENCE_DATE:
            progress["overdue"] += 1
    assert set(sources) == {"evaluation", "follow_up", "complaint", "inspection"}
    both(progress, "done", "overdue")
