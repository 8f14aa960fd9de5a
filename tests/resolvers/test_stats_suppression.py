"""Small-cell suppression of the public's stats (issue 7, services/stats_suppression.py),
through the schema with the default policy on the seeded demo data: a caller holding the
public role gets no group of fewer units, whatever else it holds; others get every group."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.resources import Action
from policies.scope import Scope
from resolvers.context import RequestContext
from services.identity import PUBLIC, PUBLIC_GRANT, Identity, RoleGrant
from services.stats import Dimension, StatsInput, compute_stats
from services.stats_suppression import DEFAULT_MIN_CELL_UNITS
from store.demo.clock import REFERENCE_DATE
from store.enums import RegionLevel, Role
from tests.resolvers.graph_helpers import SCHEMA

DECISIONS = Decisions(default_rules())
BY_CITY = """{ stats(groupBy: [REGION], regionLevel: CITY) {
  groups { region { code } unitsCovered } } }"""
INSURER_1 = RoleGrant(role=Role.INSURER, insurer_id=1)


async def _units(session: AsyncSession, identity: Identity) -> dict[str, int]:
    scope = Scope(identity, DECISIONS.decide)
    context = RequestContext(
        request=None,  # type: ignore[arg-type]
        response=None,  # type: ignore[arg-type]
        session=session,
        identity=identity,
        scope=scope,
        mask=scope,
        aggregate_scope=scope.for_action(Action.AGGREGATE),
    )
    result = await SCHEMA.execute(BY_CITY, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    groups: list[Any] = result.data["stats"]["groups"]
    return {g["region"]["code"]: g["unitsCovered"] for g in groups}


async def _every_city(session: AsyncSession) -> dict[str, int]:
    data = StatsInput(group_by=(Dimension.REGION,), region_level=RegionLevel.CITY)
    report = await compute_stats(session, data, today=REFERENCE_DATE)
    return {g.region.code: g.units_covered for g in report.groups if g.region}


async def test_the_public_gets_every_group_but_the_small_ones(demo: AsyncSession) -> None:
    every = await _every_city(demo)
    large = {code: n for code, n in every.items() if n >= DEFAULT_MIN_CELL_UNITS}
    assert large and len(large) < len(every)  # the demo data has both kinds
    assert await _units(demo, PUBLIC) == large


async def test_another_role_keeps_its_small_groups(demo: AsyncSession) -> None:
    insurer = Identity(name="insurer-1", display_name="保险机构", grants=(INSURER_1,))
    assert min((await _units(demo, insurer)).values()) < DEFAULT_MIN_CELL_UNITS


async def test_the_public_role_beside_another_is_still_suppressed(demo: AsyncSession) -> None:
    """The public's ``aggregate all`` widens the insurer's figures to every unit: the small
    groups of that are left out as they are for the public."""
    both = Identity(name="both", display_name="两者", grants=(INSURER_1, PUBLIC_GRANT))
    every = await _every_city(demo)
    assert await _units(demo, both) == {
        code: n for code, n in every.items() if n >= DEFAULT_MIN_CELL_UNITS
    }


# --- complementary suppression: the subtraction attack --------------------------------------

FIGURES = "unitsCovered services { delivered } complaints { filed } fees { income expenditure }"
BY_PROVINCE_AND_TOTAL = f"""{{
  total: stats(groupBy: []) {{ groups {{ {FIGURES} }} }}
  provinces: stats(groupBy: [REGION]) {{ groups {{ region {{ code }} {FIGURES} }} }}
}}"""


def _figures(g: Any) -> tuple[int, int, float, float]:
    """The additive figures of a group, as the public reads them."""
    fees = g["fees"]
    return (
        g["services"]["delivered"],
        g["complaints"]["filed"],
        round(float(fees["income"]), 2),
        round(float(fees["expenditure"]), 2),
    )


async def _public(session: AsyncSession, query: str) -> Any:
    scope = Scope(PUBLIC, DECISIONS.decide)
    context = RequestContext(
        request=None,  # type: ignore[arg-type]
        response=None,  # type: ignore[arg-type]
        session=session,
        identity=PUBLIC,
        scope=scope,
        mask=scope,
        aggregate_scope=scope.for_action(Action.AGGREGATE),
    )
    result = await SCHEMA.execute(query, context_value=context)
    assert result.errors is None, result.errors
    return result.data


async def test_the_total_minus_the_groups_shown_gives_no_single_group_away(
    demo: AsyncSession,
) -> None:
    """The demo data has exactly one province under the threshold (北京, 8 units). Before
    complementary suppression the public's total minus the provinces shown was exactly
    北京's services, complaints and fees; now a second province is left out beside it, and
    the difference is the two together, which is neither's own figures."""
    data = StatsInput(group_by=(Dimension.REGION,))
    every = {
        g.region.code: g
        for g in (await compute_stats(demo, data, today=REFERENCE_DATE)).groups
        if g.region
    }
    small = [code for code, g in every.items() if g.units_covered < DEFAULT_MIN_CELL_UNITS]
    assert len(small) == 1  # the case the attack needs: one province dropped

    answer = await _public(demo, BY_PROVINCE_AND_TOTAL)
    (total,) = answer["total"]["groups"]
    shown = answer["provinces"]["groups"]
    hidden = set(every) - {g["region"]["code"] for g in shown}
    difference = tuple(
        round(t - sum(_figures(g)[i] for g in shown), 2) for i, t in enumerate(_figures(total))
    )
    for code in hidden:  # no hidden province's own figures can be read off
        g = every[code]
        own = (
            g.services.delivered,
            g.complaints.filed,
            round(float(g.fees.income), 2),
            round(float(g.fees.expenditure), 2),
        )
        assert difference != own, code
    assert small[0] in hidden and len(hidden) >= 2
    assert sum(every[c].units_covered for c in hidden) >= DEFAULT_MIN_CELL_UNITS
    # The difference is the hidden provinces' sum: the attack gets no more than that.
    assert difference[0] == sum(every[c].services.delivered for c in hidden)
