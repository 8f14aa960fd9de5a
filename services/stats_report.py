"""What a stats call answers: exact counts per group, rates as numerator and denominator.

Ratios are derived from two integers the database summed; nothing here adds rows up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.findings_scorecard import RuleScore
from store.enums import RegionLevel, ServiceCategory
from store.repositories.stats import Dimension

# Ratios and averages are rounded half up (四舍五入) to four places: 0.8333, 4.3333.
PLACES = Decimal("0.0001")


def quotient(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(PLACES, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def ratio(self) -> Decimal | None:
        """``None`` when there is nothing to divide by."""
        return quotient(self.numerator, self.denominator)


@dataclass(frozen=True, slots=True)
class Deadline:
    """Items measured against one working-day deadline of the ruleset."""

    rule: str
    working_days: int
    on_time: int
    late: int
    overdue: int
    pending: int
    unknown: int

    @property
    def on_time_rate(self) -> Rate:
        """On time among the items whose outcome is settled: done (on time or late), or
        past due and not done. Pending and unknown items are left out of both terms."""
        return Rate(self.on_time, self.on_time + self.late + self.overdue)


@dataclass(frozen=True, slots=True)
class Services:
    delivered: int
    by_category: tuple[tuple[ServiceCategory, int], ...]  # all six, in the order of 5.1


@dataclass(frozen=True, slots=True)
class Satisfaction:
    responses: int
    score_sum: int
    distribution: tuple[tuple[int, int], ...]  # (score, visits) for 1..5

    @property
    def average(self) -> Decimal | None:
        return quotient(self.score_sum, self.responses)


@dataclass(frozen=True, slots=True)
class Archive:
    """R-6.3-archive over the completed services of the group."""

    confirmed: int  # the unit's latest decision is "confirmed"
    disputed: int  # … is "disputed"
    unconfirmed: int  # no decision yet
    organised: Deadline

    @property
    def confirmed_rate(self) -> Rate:
        return Rate(self.confirmed, self.confirmed + self.disputed + self.unconfirmed)


@dataclass(frozen=True, slots=True)
class Complaints:
    filed: int
    answered: int
    needing_verification: int
    answer: Deadline  # complaints that need no further verification
    verified_answer: Deadline  # complaints that do

    @property
    def answered_rate(self) -> Rate:
        return Rate(self.answered, self.filed)


@dataclass(frozen=True, slots=True)
class Fees:
    """Yuan, exact to the fen (R-7.3-ledger)."""

    income: Decimal
    expenditure: Decimal

    @property
    def balance(self) -> Decimal:
        return self.income - self.expenditure


@dataclass(frozen=True, slots=True)
class MajorHazards:
    found: int
    told: int

    @property
    def untold(self) -> int:
        return self.found - self.told

    @property
    def told_rate(self) -> Rate:
        return Rate(self.told, self.found)


@dataclass(frozen=True, slots=True)
class RuleCompliance:
    """One rule's findings in a group by state (``services/stats_compliance.py``); the rate
    is the scorecard's (``RuleScore``): met among those decided, met or not met."""

    rule: str  # the STANDARD.md id
    met: int
    late: int
    overdue: int
    due_soon: int
    pending: int
    unknown: int
    score: RuleScore


@dataclass(frozen=True, slots=True)
class RegionKey:
    code: str
    name: str | None  # None only when the scope hides the region's row
    level: RegionLevel | None


@dataclass(frozen=True, slots=True)
class NamedKey:
    """An industry (code) or an insurer (id) with its name."""

    key: str | int
    name: str | None


@dataclass(frozen=True, slots=True)
class StatsGroup:
    # Keys: None when not grouped by that dimension, or when the row has none (category of
    # a complaint, a ledger entry or a policy).
    region: RegionKey | None
    industry: NamedKey | None
    insurer: NamedKey | None
    year: int | None
    month: int | None  # year * 100 + month (MONTH)
    category: ServiceCategory | None
    units_covered: int
    services: Services
    satisfaction: Satisfaction
    follow_up: Deadline
    archive: Archive
    complaints: Complaints
    fees: Fees
    major_hazards: MajorHazards
    # Per rule with findings in the group, in the rules' order; computed only when the query
    # selects it (``resolvers/stats.py``), else empty.
    compliance: tuple[RuleCompliance, ...] = ()


@dataclass(frozen=True, slots=True)
class StatsReport:
    group_by: tuple[Dimension, ...]
    region_level: RegionLevel
    rules_version: str
    as_of: date
    groups: tuple[StatsGroup, ...]
