"""Dashboard aggregates over the seeded demo data set: the groups of every grouping add up
to the ungrouped total, and the totals match plain counts of the tables."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.stats import StatsFilterInput, StatsInput, compute_stats
from services.stats_report import Deadline, StatsGroup
from store.demo.clock import REFERENCE_DATE
from store.enums import LedgerEntryKind, RegionLevel
from store.models import Complaint, FeeLedgerEntry, FollowUp, Hazard, ServiceRecord
from store.repositories.stats import Dimension as D

GROUPINGS: list[tuple[tuple[D, ...], RegionLevel]] = [
    ((D.REGION,), RegionLevel.PROVINCE),
    ((D.REGION,), RegionLevel.CITY),
    ((D.REGION,), RegionLevel.COUNTY),
    ((D.INDUSTRY,), RegionLevel.PROVINCE),
    ((D.INSURER,), RegionLevel.PROVINCE),
    ((D.YEAR,), RegionLevel.PROVINCE),
    ((D.CATEGORY,), RegionLevel.PROVINCE),
    ((D.REGION, D.INDUSTRY, D.INSURER, D.YEAR, D.CATEGORY), RegionLevel.CITY),
]
# A unit belongs to one region and one industry, but may have two insurers, years or
# categories: distinct units add up over REGION and INDUSTRY groupings only.
UNIT_ADDITIVE = {D.REGION, D.INDUSTRY}


@pytest.fixture
async def demo(seeded: AsyncConnection) -> AsyncIterator[AsyncSession]:
    async with AsyncSession(bind=seeded, join_transaction_mode="create_savepoint") as session:
        yield session


def _deadline(d: Deadline) -> tuple[int, ...]:
    return (d.on_time, d.late, d.overdue, d.pending, d.unknown)


def additive(g: StatsGroup) -> dict[str, Any]:
    s, a, c = g.satisfaction, g.archive, g.complaints
    return {
        "services": (g.services.delivered, *(n for _, n in g.services.by_category)),
        "satisfaction": (s.responses, s.score_sum, *(n for _, n in s.distribution)),
        "follow_up": _deadline(g.follow_up),
        "archive": (a.confirmed, a.disputed, a.unconfirmed, *_deadline(a.organised)),
        "complaints": (
            c.filed,
            c.answered,
            c.needing_verification,
            *_deadline(c.answer),
            *_deadline(c.verified_answer),
        ),
        "fees": (g.fees.income, g.fees.expenditure),
        "hazards": (g.major_hazards.found, g.major_hazards.told),
    }


def _sum(groups: tuple[StatsGroup, ...]) -> dict[str, Any]:
    rows = [additive(g) for g in groups]
    return {k: tuple(sum(col) for col in zip(*(r[k] for r in rows), strict=True)) for k in rows[0]}


async def _stats(
    session: AsyncSession, group_by: tuple[D, ...], level: RegionLevel, **filters: Any
) -> tuple[StatsGroup, ...]:
    data = StatsInput(group_by=group_by, region_level=level, filter=StatsFilterInput(**filters))
    return (await compute_stats(session, data, today=REFERENCE_DATE)).groups


@pytest.mark.parametrize("year", [None, 2025])
async def test_groups_add_up_to_the_total(demo: AsyncSession, year: int | None) -> None:
    window = {"date_from": date(year, 1, 1), "date_to": date(year + 1, 1, 1)} if year else {}
    (total,) = await _stats(demo, (), RegionLevel.PROVINCE, **window)
    assert total.services.delivered > 100  # the data set is not empty in that window
    expected = additive(total)
    for group_by, level in GROUPINGS:
        groups = await _stats(demo, group_by, level, **window)
        assert len(groups) > (1 if group_by != (D.YEAR,) or year is None else 0), group_by
        assert _sum(groups) == expected, (group_by, level)
        units = sum(g.units_covered for g in groups)
        if len(group_by) == 1 and group_by[0] in UNIT_ADDITIVE:
            assert units == total.units_covered, (group_by, level)
        else:
            assert units >= total.units_covered, (group_by, level)


async def _scalar(session: AsyncSession, expression: ColumnElement[Any], *where: Any) -> Any:
    return (await session.execute(select(expression).where(*where))).scalar_one()


async def test_totals_match_plain_counts(demo: AsyncSession) -> None:
    (total,) = await _stats(demo, (), RegionLevel.PROVINCE)
    completed = ServiceRecord.completed_at.is_not(None)
    assert total.services.delivered == await _scalar(demo, func.count(ServiceRecord.id), completed)
    assert total.satisfaction.responses == await _scalar(demo, func.count(FollowUp.id))
    assert total.complaints.filed == await _scalar(demo, func.count(Complaint.id))
    assert total.major_hazards.found == await _scalar(
        demo, func.count(Hazard.id), Hazard.is_major.is_(True)
    )
    entries = (await demo.execute(select(FeeLedgerEntry))).scalars().all()
    kinds = {e.id: e.kind for e in entries}
    income = Decimal(0)
    for e in entries:  # an adjustment follows the kind it corrects
        kind = kinds[e.corrects_id] if e.corrects_id is not None else e.kind
        income += e.amount if kind is LedgerEntryKind.ALLOCATION else 0
    assert total.fees.income == income
    # Every completed service and every complaint has exactly one deadline outcome.
    assert sum(_deadline(total.follow_up)) == total.services.delivered
    assert sum(_deadline(total.archive.organised)) == total.services.delivered
    assert (
        sum(_deadline(total.complaints.answer)) + sum(_deadline(total.complaints.verified_answer))
        == total.complaints.filed
    )
    # The demo data holds every kind of outcome (tests/demo/test_rules_service.py).
    assert total.follow_up.on_time and total.follow_up.late and total.follow_up.overdue
    assert total.archive.confirmed and total.archive.disputed and total.archive.unconfirmed
