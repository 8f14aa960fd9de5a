"""What a stats statement is asked for, and the raw rows it answers with.

Plain values only: the rules (day counts, which industries are high-risk) and the working-day
calendar are decided in ``services/`` and handed in, so the SQL builders hard-code none of them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from store.enums import HighRiskCategory, RegionLevel, ServiceCategory


class Dimension(enum.StrEnum):
    """What a stats query may group by; the value is the column name in the statement."""

    REGION = "region_code"
    INDUSTRY = "industry_code"
    INSURER = "insurer_id"
    YEAR = "year"
    # The calendar month in China of the event, keyed year * 100 + month (202503): a whole
    # monthly trend is one grouping, hence one statement (issue 7), not a query per month.
    MONTH = "month"
    CATEGORY = "category"


# Dimensions always appear in this order in the statement and its result, whatever order the
# caller named them in, so one grouping always compiles to the same SQL.
DIMENSION_ORDER: tuple[Dimension, ...] = tuple(Dimension)


class Outcome(enum.StrEnum):
    """Where one item stands against a working-day deadline."""

    ON_TIME = "on_time"  # done on or before the due day
    LATE = "late"  # done after the due day
    OVERDUE = "overdue"  # not done, and the due day is before the as-of day
    PENDING = "pending"  # not done, not due yet
    UNKNOWN = "unknown"  # the calendar cannot say when it is due


def _outcomes(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{o.value}" for o in Outcome)


# Every measure column of the statement, in order. Each is an integer count or sum; money is
# summed in fen (分) so that SQLite, which keeps NUMERIC as REAL, still sums exactly.
MEASURES: tuple[str, ...] = (
    "units_covered",
    "services",
    *(f"services_{c.value}" for c in ServiceCategory),
    *_outcomes("followup"),
    *_outcomes("organised"),
    "confirmed",
    "disputed",
    "satisfaction_responses",
    "satisfaction_sum",
    *(f"satisfaction_{score}" for score in range(1, 6)),
    "complaints_filed",
    "complaints_answered",
    "complaints_verification",
    *_outcomes("answer"),
    *_outcomes("verified_answer"),
    "fee_income_fen",
    "fee_expenditure_fen",
    "major_hazards_found",
    "major_hazards_told",
)


@dataclass(frozen=True, slots=True)
class StatsFilter:
    """Narrowing of every measure; an empty tuple or ``None`` means "no restriction"."""

    region_code: str | None = None  # a jurisdiction: this region and everything below it
    industry_codes: tuple[str, ...] = ()
    insurer_ids: tuple[int, ...] = ()
    categories: tuple[ServiceCategory, ...] = ()
    from_day: date | None = None  # inclusive, a calendar day in China
    to_day: date | None = None  # exclusive
    above_designated_size: bool | None = None
    # Only units whose industry falls in one of these (empty: no restriction).
    high_risk_categories: tuple[HighRiskCategory, ...] = ()

    @property
    def unit_filtered(self) -> bool:
        return bool(
            self.region_code is not None
            or self.industry_codes
            or self.above_designated_size is not None
            or self.high_risk_categories
        )


@dataclass(frozen=True, slots=True)
class DeadlineDays:
    """Working-day counts of the deadlines, from the ruleset (never literals in the SQL)."""

    followup: int  # R-6.3-followup
    archive: int  # R-6.3-archive
    complaint: int  # R-6.4-complaint
    complaint_verified: int  # R-6.4-complaint, when further verification is needed


# eq=False: compared and hashed by identity, so the rendered form of one calendar can be
# cached per object (``calendar.py``) without hashing thousands of offsets per request.
@dataclass(frozen=True, slots=True, eq=False)
class DueCalendar:
    """The working-day calendar as the statement binds it: consecutive days from ``first``,
    and for each day and each deadline of the ruleset, how many calendar days after that
    day the deadline's due day (its N-th working day after the day) falls. ``None`` where
    the holiday calendar cannot say; no days at all (``first`` is ``None``) when the span
    lies outside the years it covers."""

    first: date | None
    followup: tuple[int | None, ...]  # R-6.3-followup
    archive: tuple[int | None, ...]  # R-6.3-archive
    complaint: tuple[int | None, ...]  # R-6.4-complaint
    complaint_verified: tuple[int | None, ...]  # R-6.4-complaint, with verification

    @property
    def length(self) -> int:
        return len(self.followup)


NO_CALENDAR = DueCalendar(first=None, followup=(), archive=(), complaint=(), complaint_verified=())


@dataclass(frozen=True, slots=True)
class YearSpan:
    """A calendar year clipped to the filtered range: [start, end)."""

    year: int
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class MonthSpan:
    """A calendar month clipped to the filtered range: [start, end); ``month`` is its key,
    year * 100 + month."""

    month: int
    start: date
    end: date


def month_key(day: date) -> int:
    """The MONTH key of a day: year * 100 + month (2025-03-14 → 202503)."""
    return day.year * 100 + day.month


@dataclass(frozen=True, slots=True)
class StatsSpec:
    dimensions: tuple[Dimension, ...]
    region_level: RegionLevel
    filter: StatsFilter
    deadlines: DeadlineDays
    calendar: DueCalendar
    years: tuple[YearSpan, ...]  # used only when grouping by YEAR (policies span years)
    as_of: date  # "today": decides overdue against pending
    months: tuple[MonthSpan, ...] = ()  # used only when grouping by MONTH, as ``years``

    @property
    def ordered_dimensions(self) -> tuple[Dimension, ...]:
        return tuple(d for d in DIMENSION_ORDER if d in self.dimensions)


@dataclass(frozen=True, slots=True)
class PolicySpan:
    """The earliest start and latest end of the policies inside the scope and range: the
    years a policy may be spread over when grouping by YEAR over an open range."""

    first_day: date | None
    end: date | None  # exclusive end of the latest policy period


@dataclass(frozen=True, slots=True)
class StatsRow:
    """One group as the statement returns it: the key, its labels, and every measure."""

    region_code: str | None
    region_name: str | None
    region_level: RegionLevel | None
    industry_code: str | None
    industry_name: str | None
    insurer_id: int | None
    insurer_name: str | None
    year: int | None
    category: ServiceCategory | None
    measures: dict[str, int]
    month: int | None = None  # year * 100 + month (MONTH)
