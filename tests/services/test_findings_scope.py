"""R-6.3-followup under a regulator's scope, on the seeded demo data (SQLite and PostgreSQL):
the first visits are grouped without the visits' own scope condition when that condition is
"the visit's record is visible" (stats/implied.py ``via_parent``: the join on the visible
record holds it), and the findings are exactly those computed with the condition applied."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, literal
from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.scope import Scope
from services.findings import FindingFilterInput, FindingRule, findings
from services.identity import Identity, RoleGrant
from services.rulesets import ruleset
from store.demo.clock import REFERENCE_DATE
from store.enums import Role
from store.models import FollowUp, ServiceRecord
from store.repositories.base import RowScope
from store.repositories.stats.implied import via_parent
from tests.resolvers.graph_helpers import counting

DECISIONS = Decisions(default_rules())


class Spelled:
    """The same rows as ``scope``, its visits' condition spelled so that no shape is
    recognised: the statement then applies it as given."""

    def __init__(self, scope: RowScope) -> None:
        self.scope = scope

    def where(self, entity: Any) -> ColumnElement[bool]:
        return and_(self.scope.where(entity), literal(1) == 1)  # and_(c, true()) is c


async def _followups(session: AsyncSession, scope: RowScope) -> tuple[set[Any], str]:
    seen: set[Any] = set()
    after: str | None = None
    with counting(session) as statements:
        while True:
            page = await findings(
                session,
                FindingFilterInput(rules=[FindingRule.FOLLOWUP]),
                rules=ruleset("AQ9010-draft"),
                today=REFERENCE_DATE,
                first=1000,
                after=after,
                scope=scope,
            )
            seen.update((f.row.subject_id, f.state, f.row.done_at) for f in page.findings)
            if not page.more:
                break
            after = page.cursor(page.findings[-1])
    return seen, statements.queries[0]


async def test_visits_of_visible_records_need_no_scope_of_their_own(demo: AsyncSession) -> None:
    grants = (
        RoleGrant(Role.REGULATOR, region_code="440000"),
        RoleGrant(Role.REGULATOR, region_code="410000"),
    )
    scope = Scope(Identity("r", "监管 / regulator", grants), DECISIONS.decide)
    assert via_parent(scope, FollowUp, FollowUp.service_record_id, ServiceRecord)
    implied, implied_sql = await _followups(demo, scope)
    applied, applied_sql = await _followups(demo, Spelled(scope))
    assert implied == applied
    assert {state for _, state, _ in implied} >= {"MET", "LATE"}
    # One scan of the units fewer: the visits' own "record is visible" semi-join is gone.
    assert implied_sql.count("FROM insured_unit") < applied_sql.count("FROM insured_unit")
