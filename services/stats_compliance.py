"""Compliance rates inside ``stats`` (合规率, issue 6 item 3): per group of the stats query and
per rule of STANDARD.md, the findings met, late, overdue, due soon, pending and unknown, and
the compliance rate exactly as the insurer scorecard defines it (``findings_scorecard.
RuleScore``: met among the decided, i.e. met / (met + late + overdue), four places, null when
none is decided).

Which findings
    The findings of ``services/findings.py``, every rule, under the ruleset in force and the
    caller's *read* scope (``context.scope``), as the ``findings`` field lists them: the same
    UNION ALL of per-rule selects (``store/repositories/findings.py``), counted by group in
    one statement (``store/repositories/stats/compliance.py``). The stats' other figures use
    the ``aggregate`` right; a finding is a statement about a row, so it needs the right to
    read that row. The public reads no facts (policies/policy.csv), so its compliance is
    always empty.

Dimensions
    REGION and INDUSTRY from the finding's unit (REGION rolled up to ``regionLevel`` through
    the region hierarchy as the stats do); INSURER the finding's; YEAR the year in China of
    the finding's event instant (completion, filing, policy start, the year measured) — the
    instant the date filter reads, so a YEAR group is exactly what ``from``/``to`` over that
    year would list, and every finding has one (a due day may be unknown); MONTH likewise
    the month of that instant; CATEGORY the
    category of the service record a rule is about (R-6.3-followup, R-6.3-archive,
    R-6.1-scheme, and R-6.2-major-hazard through the hazard's service), null for every other
    rule. Findings without a unit (R-7.1-staff, R-8.1-evaluation, R-8.2-publication), or
    whose unit the caller may not read, group under a null region and industry.

Filter
    region, insurers, from/to: the findings' own filter (region: the unit's jurisdiction, so
    unit-less duties drop out; from/to: the event's day). industries, aboveDesignatedSize,
    highRiskOnly: the finding's unit must match (unit-less findings drop out, as under a
    region). categories: the finding's service category must be one of them (findings
    without one drop out, as the stats' uncategorised rows do).

Groups
    A group of findings that the stats figures do not have (an insurer's own duty under a
    null region, say) is added with every stats figure 0. Small-cell suppression for callers
    with the public role applies to the groups as a whole, compliance included.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.findings import FindingFilterInput, checked_query
from services.findings_scorecard import RuleScore, states_by_rule_id
from services.rulesets import Ruleset
from services.stats_report import RuleCompliance
from store.enums import RegionLevel, ServiceCategory
from store.repositories.base import RowScope
from store.repositories.findings import FindingRule, FindingState
from store.repositories.stats import StatsSpec
from store.repositories.stats.compliance import (
    ComplianceRepository,
    ComplianceSpec,
    ComplianceTally,
)

# (region, industry, insurer, year, month, category): None where not grouped by it or absent.
GroupKey = tuple[str | None, str | None, int | None, int | None, int | None, ServiceCategory | None]


@dataclass(frozen=True, slots=True)
class ComplianceRequest:
    """What the caller asks compliance with: the full ruleset in force and its read scope."""

    rules: Ruleset
    scope: RowScope


@dataclass(frozen=True, slots=True)
class ComplianceGroup:
    """The findings of one group, with the labels of its keys (for a group the stats'
    figures lack)."""

    key: GroupKey
    region_name: str | None
    region_level: RegionLevel | None
    industry_name: str | None
    insurer_name: str | None
    rules: tuple[RuleCompliance, ...]


def _key(t: ComplianceTally) -> GroupKey:
    return (t.region_code, t.industry_code, t.insurer_id, t.year, t.month, t.category)


def rule_compliance(rule: str, states: dict[FindingState, int]) -> RuleCompliance:
    return RuleCompliance(
        rule=rule,
        met=states.get(FindingState.MET, 0),
        late=states.get(FindingState.LATE, 0),
        overdue=states.get(FindingState.OVERDUE, 0),
        due_soon=states.get(FindingState.DUE_SOON, 0),
        pending=states.get(FindingState.PENDING, 0),
        unknown=states.get(FindingState.UNKNOWN, 0),
        score=RuleScore.of(rule, states),
    )


def _groups(
    tallies: tuple[ComplianceTally, ...], rules: Ruleset
) -> dict[GroupKey, ComplianceGroup]:
    counts: dict[GroupKey, dict[FindingRule, dict[FindingState, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    first: dict[GroupKey, ComplianceTally] = {}
    for t in tallies:
        key = _key(t)
        counts[key][t.rule][t.state] = t.count
        first.setdefault(key, t)
    groups = {}
    for key, by_rule in counts.items():
        t = first[key]
        groups[key] = ComplianceGroup(
            key=key,
            region_name=t.region_name,
            region_level=t.region_level,
            industry_name=t.industry_name,
            insurer_name=t.insurer_name,
            rules=tuple(
                rule_compliance(rule, states)
                for rule, states in states_by_rule_id(by_rule, rules).items()
            ),
        )
    return groups


async def compliance_groups(
    session: AsyncSession, spec: StatsSpec, request: ComplianceRequest, *, today: date
) -> dict[GroupKey, ComplianceGroup]:
    """The findings of the stats query ``spec`` (already checked) per group: one statement."""
    f = spec.filter
    query = checked_query(
        FindingFilterInput(
            region=f.region_code,
            insurer_ids=f.insurer_ids,
            date_from=f.from_day,
            date_to=f.to_day,
        ),
        rules=request.rules,
        today=today,
    )
    compliance = ComplianceSpec(
        query=query,
        dimensions=spec.ordered_dimensions,
        region_level=spec.region_level,
        industry_codes=f.industry_codes,
        above_designated_size=f.above_designated_size,
        high_risk_categories=f.high_risk_categories,
        categories=f.categories,
    )
    tallies = await ComplianceRepository(session, request.scope).tallies(compliance)
    return _groups(tallies, request.rules)
