"""Dashboard aggregates under a real regulator's aggregate scope, on the seeded demo data:
the same figures as the whole data set filtered to the jurisdiction, with the scope's
per-table conditions that a join already enforces left out of the statement
(store/repositories/stats/implied.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.resources import Action
from policies.scope import Scope
from services.identity import Identity, RoleGrant
from services.stats import StatsFilterInput, StatsInput, compute_stats
from services.stats_report import StatsGroup
from store.demo.clock import REFERENCE_DATE
from store.enums import RegionLevel, Role
from store.models import (
    Complaint,
    FeeLedgerEntry,
    FollowUp,
    Hazard,
    InsurancePolicy,
    InsuredUnit,
    ServiceRecord,
    UnitConfirmation,
)
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.stats import Dimension as D
from store.repositories.stats.implied import own_rows, same_unit, via_parent, via_unit

DECISIONS = Decisions(default_rules())
YEAR_2025 = {"date_from": date(2025, 1, 1), "date_to": date(2026, 1, 1)}


def aggregate_scope(*grants: RoleGrant) -> Scope:
    identity = Identity(name="stats-reader", display_name="统计", grants=grants)
    return Scope(identity, DECISIONS.decide).for_action(Action.AGGREGATE)


def regulator(region: str) -> Scope:
    return aggregate_scope(RoleGrant(role=Role.REGULATOR, region_code=region))


async def groups(
    session: AsyncSession, scope: RowScope, group_by: tuple[D, ...], **filters: Any
) -> tuple[StatsGroup, ...]:
    data = StatsInput(group_by=group_by, filter=StatsFilterInput(**filters))
    report = await compute_stats(session, data, today=REFERENCE_DATE, scope=scope)
    return report.groups


def test_a_regulators_unit_and_child_conditions_are_recognised() -> None:
    scope = regulator("440000")
    for model in (ServiceRecord, InsurancePolicy, Complaint, FeeLedgerEntry, UnitConfirmation):
        assert via_unit(scope, model, model.unit_id), model
    assert via_parent(scope, FollowUp, FollowUp.service_record_id, ServiceRecord)
    assert via_parent(scope, Hazard, Hazard.service_record_id, ServiceRecord)


def test_a_regulators_unit_test_is_read_on_the_unit() -> None:
    scope = regulator("440000")
    own = own_rows(scope, InsuredUnit)
    assert own is not scope.where(InsuredUnit)
    assert "insured_unit.region_code IN" in str(own) and "insured_unit.id IN" not in str(own)
    assert same_unit(scope, UnitConfirmation, ServiceRecord)


def test_other_conditions_are_kept() -> None:
    tenant = aggregate_scope(RoleGrant(role=Role.INSURER, insurer_id=1))
    # The tenant's records are its own by insurer, its units those it insures: not one test.
    assert not via_unit(tenant, ServiceRecord, ServiceRecord.unit_id)
    assert not same_unit(tenant, UnitConfirmation, ServiceRecord)
    # Its units are those it insures: a test of another table, kept as it is.
    assert str(own_rows(tenant, InsuredUnit)) == str(tenant.where(InsuredUnit))
    # Two grants of different kinds OR-ed: left as given.
    both = aggregate_scope(
        RoleGrant(role=Role.REGULATOR, region_code="440000"),
        RoleGrant(role=Role.INSURER, insurer_id=1),
    )
    assert not via_unit(both, ServiceRecord, ServiceRecord.unit_id)
    # Two jurisdictions are one region list (policies/jurisdictions.py): one unit test again.
    provinces = aggregate_scope(
        RoleGrant(role=Role.REGULATOR, region_code="440000"),
        RoleGrant(role=Role.REGULATOR, region_code="410000"),
    )
    assert via_unit(provinces, ServiceRecord, ServiceRecord.unit_id)
    assert same_unit(provinces, UnitConfirmation, ServiceRecord)
    assert not via_unit(EVERYTHING, ServiceRecord, ServiceRecord.unit_id)
    assert not via_parent(EVERYTHING, FollowUp, FollowUp.service_record_id, ServiceRecord)
    # A child whose condition is not "its parent is visible" keeps it.
    assert not via_parent(regulator("440000"), Hazard, Hazard.service_record_id, FollowUp)


@pytest.mark.parametrize(
    ("group_by", "window"),
    [
        ((D.INSURER,), {}),
        ((D.REGION, D.INDUSTRY), YEAR_2025),
        ((D.CATEGORY,), YEAR_2025),
        ((), {}),
    ],
)
@pytest.mark.parametrize("region", ["440000", "440100"])
async def test_the_scope_gives_the_jurisdictions_figures(
    demo: AsyncSession, region: str, group_by: tuple[D, ...], window: dict[str, date]
) -> None:
    scoped = await groups(demo, regulator(region), group_by, **window)
    filtered = await groups(demo, EVERYTHING, group_by, region=region, **window)
    assert scoped == filtered
    assert sum(g.services.delivered for g in scoped) > 0


async def test_a_region_filter_inside_the_scope(demo: AsyncSession) -> None:
    """The league of bench operation 6: insurers inside a region the regulator oversees."""
    scoped = await groups(demo, regulator("440000"), (D.INSURER,), region="440100")
    filtered = await groups(demo, EVERYTHING, (D.INSURER,), region="440100")
    assert scoped == filtered and len(scoped) > 1


async def test_a_region_outside_the_scope_counts_nothing(demo: AsyncSession) -> None:
    (total,) = await groups(demo, regulator("440100"), (), region="410000")
    assert total.services.delivered == total.units_covered == 0


async def test_by_city_under_the_scope(demo: AsyncSession) -> None:
    scoped = await groups(demo, regulator("440000"), (D.REGION,), region=None)
    data = StatsInput(group_by=(D.REGION,), region_level=RegionLevel.CITY)
    by_city = await compute_stats(demo, data, today=REFERENCE_DATE, scope=regulator("440000"))
    assert {g.region.code for g in scoped if g.region} == {"440000"}
    assert sum(g.services.delivered for g in by_city.groups) == scoped[0].services.delivered


@pytest.mark.parametrize(
    ("group_by", "window"), [((D.REGION,), {}), ((D.REGION, D.INDUSTRY), YEAR_2025)]
)
async def test_several_jurisdictions_give_each_ones_figures(
    demo: AsyncSession, group_by: tuple[D, ...], window: dict[str, date]
) -> None:
    """Two provinces folded into one region list (policies/jurisdictions.py), the conditions
    a join enforces left out as for one: each province's figures, side by side."""
    provinces = ("440000", "410000")
    scope = aggregate_scope(*(RoleGrant(role=Role.REGULATOR, region_code=p) for p in provinces))
    scoped = await groups(demo, scope, group_by, **window)
    each = [
        g for p in provinces for g in await groups(demo, EVERYTHING, group_by, region=p, **window)
    ]

    def key(group: StatsGroup) -> tuple[str, str]:
        return (
            group.region.code if group.region else "",
            str(group.industry.key) if group.industry else "",
        )

    assert sorted(scoped, key=key) == sorted(each, key=key)
    assert {key(g)[0] for g in scoped} == set(provinces)
