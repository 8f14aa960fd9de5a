"""Dashboard aggregates (issue 3, item 3): ``stats(groupBy, filter, regionLevel)``.

Everything is counted and summed in SQL (``store/repositories/stats/``); this module checks
the arguments, supplies the rules' parameters and the working-day calendar, and turns the
summed integers into rates. The semantics, as implemented and tested:

Statements
    One aggregate statement per call (a UNION ALL of the measure families, each grouped by
    the dimensions, summed per group), whatever the number of groups. The working-day
    calendar goes in as bound values (``store/repositories/stats/calendar.py``): every day of
    the range, or every day the holiday calendar covers when the range is open. Only
    grouping by YEAR or MONTH over an open range asks first for the policies' span (a policy
    counts in every year, or month, it overlaps): then 2 statements. On PostgreSQL a plan
    setting precedes them (custom plans: the best plan depends on the jurisdiction's size).

Dimensions
    REGION   the unit's region rolled up to ``regionLevel``: the nearest ancestor-or-self of
             the unit's region whose level is at or above the chosen one (closure table). So
             by province every unit lands in its province; by city a county lands in its
             city, while 419001 济源市 (a county-level city directly under 河南省) lands in
             410000 河南省, and a unit registered at a city stays in that city; by county a
             unit registered at a city or province lands there. A group carries its region's
             own level, so such cases are visible.
    INDUSTRY the unit's industry.          INSURER  the insurer on the row (policy, service,
             complaint, ledger entry; follow-ups and hazards take their service's).
    YEAR     the calendar year in China of each measure's own event time (below).
    MONTH    the calendar month in China of that event time, year * 100 + month (202503;
             the schema shows "2025-03"): a monthly trend in one grouping, one statement.
             A policy counts in every month it overlaps, as in every year under YEAR.
    CATEGORY the service category. Rows that have none — policies in ``unitsCovered``,
             complaints, ledger entries — form the group whose category is null.

Event times (what the date range and YEAR apply to; instants are read as days in China)
    unitsCovered     a policy whose period [start, end) overlaps the range (grouped by YEAR:
                     counted in every year it overlaps), or a service completed in it.
    services, follow-up deadline, archive   the service's ``completed_at``.
    satisfaction     each visit's ``visited_at``.      complaints  ``filed_at``.
    fees             the entry's ``occurred_on``.      major hazards  ``found_at``.

Filter
    region: that jurisdiction and everything below it (closure table, never digit prefixes);
    industries, insurers, categories: any of; from/to: calendar days in China, [from, to);
    aboveDesignatedSize: the unit's flag; highRiskOnly: units whose industry is one of the
    ruleset's high-risk categories (R-5.1-annual). A category filter also drops the rows
    that have no category (policies' coverage, complaints, ledger entries): they are not of
    any category asked for.

Measures per group
    unitsCovered  distinct units (distinct per group, so it adds up over REGION or INDUSTRY
                  groups only; a unit may appear under two insurers, years or categories).
    services      completed records (``completed_at`` set), and per category.
    satisfaction  follow-up visits, the sum and distribution of scores 1..5, and the average.
    followUp      R-6.3-followup: the *first* visit of each completed service is due within
                  N working days after the completion day.
    archive       R-6.3-archive: organised (``organised_at``) within N working days after
                  completion; confirmed = the unit's *latest* decision (append-only
                  ``unit_confirmation``, highest id) is "confirmed"; disputed likewise;
                  unconfirmed = no decision. confirmedRate = confirmed / completed.
    complaints    R-6.4-complaint: filed, answered (``answered_at`` set), answeredRate; the
                  answer is due within N working days of filing, or within the longer limit
                  when the complaint needs further verification (two deadlines reported
                  apart). Extensions (published text) are not applied by this ruleset.
    fees          R-7.3-ledger, yuan: income = allocations, expenditure = expenditures; an
                  adjustment counts towards the kind of the entry it corrects.
    majorHazards  R-6.2-major-hazard: major hazards found, told (``told_at`` set), toldRate.
    compliance    per rule of STANDARD.md, the group's findings by state and the compliance
                  rate, under the caller's *read* scope: ``services/stats_compliance.py``
                  (its dimensions, filters and extra groups). One statement more, and only
                  when the query selects it.
    Every measure but unitsCovered adds up exactly over the groups of any grouping.

Working-day deadlines
    Due day = the N-th working day strictly after the event's day in China, from the
    holiday calendar (weekends and holidays off, make-up days 调休 on). Done on or before
    the due day: on time; after: late; not done and the due day is before ``as_of``
    (today in China): overdue; otherwise pending. When the calendar does not cover the
    event's day or the due day (years not yet announced), the item is ``unknownDeadline``:
    never a weekday guess. onTimeRate = onTime / (onTime + late + overdue).

Rates
    Numerator and denominator as integers, and the ratio rounded half up to four places
    (null when the denominator is 0). Nothing is suppressed here: small-cell suppression
    for the public portal plugs in through ``CellSuppression``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from services.rulesets import DEFAULT_RULESET, Ruleset, chosen, ruleset
from services.stats_compliance import (
    ComplianceGroup,
    ComplianceRequest,
    GroupKey,
    compliance_groups,
)
from services.stats_report import (
    Archive,
    Complaints,
    Deadline,
    Fees,
    MajorHazards,
    NamedKey,
    RegionKey,
    Satisfaction,
    Services,
    StatsGroup,
    StatsReport,
)
from services.validation import Checker
from services.working_days import due_calendar
from store.enums import HighRiskCategory, RegionLevel, ServiceCategory
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.stats import (
    MEASURES,
    NO_CALENDAR,
    DeadlineDays,
    MonthSpan,
    Outcome,
    StatsFilter,
    StatsRepository,
    StatsRow,
    StatsSpec,
    YearSpan,
    month_key,
)
from store.repositories.stats import (
    Dimension as Dimension,  # re-exported: the resolvers take the dimensions from here
)

MAX_LIST = 100  # entries per filter list: bounds the statement's IN lists


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    rule: str  # the STANDARD.md id
    working_days: int


@dataclass(frozen=True, slots=True)
class StatsRules:
    """The parameters stats apply, taken from a dated ruleset (services/rulesets/): nothing
    here holds a day count of its own."""

    version: str  # the ruleset's id, reported with every answer (``rulesVersion``)
    followup: DeadlineRule
    archive: DeadlineRule
    complaint: DeadlineRule
    complaint_verified: DeadlineRule
    # R-5.1-annual: the high-risk industries ("highRiskOnly").
    high_risk: tuple[HighRiskCategory, ...]

    @property
    def deadline_days(self) -> DeadlineDays:
        return DeadlineDays(
            followup=self.followup.working_days,
            archive=self.archive.working_days,
            complaint=self.complaint.working_days,
            complaint_verified=self.complaint_verified.working_days,
        )


def stats_rules(rules: Ruleset) -> StatsRules:
    complaint = rules.complaint
    return StatsRules(
        version=rules.id,
        followup=DeadlineRule(rules.followup.cite.rule, rules.followup.working_days),
        archive=DeadlineRule(rules.archive.cite.rule, rules.archive.working_days),
        complaint=DeadlineRule(complaint.cite.rule, complaint.working_days),
        complaint_verified=DeadlineRule(complaint.cite.rule, complaint.verification_working_days),
        high_risk=rules.annual_service.industries,
    )


def rules_in_force(pinned: str, today: date) -> StatsRules:
    """The deployment's ruleset (``ANZEXIAN_RULESET``), or the one in force today. One
    ruleset per answer: a range across a change of rules is measured by today's."""
    return stats_rules(chosen(pinned, today))


DRAFT_RULES = stats_rules(ruleset(DEFAULT_RULESET))


class CellSuppression(Protocol):
    """The hook for small-cell suppression (the public portal's issue): it sees the finished
    groups and the dimensions they are grouped by (its lines, for complementary
    suppression) and may drop some. Internal callers keep every cell."""

    def __call__(
        self, groups: tuple[StatsGroup, ...], dimensions: tuple[Dimension, ...]
    ) -> tuple[StatsGroup, ...]: ...


def keep_every_cell(
    groups: tuple[StatsGroup, ...], dimensions: tuple[Dimension, ...]
) -> tuple[StatsGroup, ...]:
    return groups


@dataclass(frozen=True, slots=True)
class StatsFilterInput:
    region: str | None = None
    industries: Sequence[str] = ()
    insurer_ids: Sequence[int] = ()
    categories: Sequence[ServiceCategory | str] = ()
    date_from: date | None = None  # inclusive, a day in China
    date_to: date | None = None  # exclusive
    above_designated_size: bool | None = None
    high_risk_only: bool = False


@dataclass(frozen=True, slots=True)
class StatsInput:
    group_by: Sequence[Dimension | str] = ()
    filter: StatsFilterInput = field(default_factory=StatsFilterInput)
    region_level: RegionLevel | str = RegionLevel.PROVINCE


def _check_list(check: Checker, field_name: str, values: Sequence[object]) -> bool:
    if len(values) > MAX_LIST:
        check.fail(
            "TOO_MANY",
            field_name,
            f"最多{MAX_LIST}项",
            f"must have at most {MAX_LIST} entries",
        )
        return False
    return True


def _dimensions(check: Checker, values: Sequence[Dimension | str]) -> tuple[Dimension, ...]:
    seen: list[Dimension] = []
    for i, value in enumerate(values):
        dimension = check.enum(f"groupBy[{i}]", value, Dimension)
        if dimension is None:
            continue
        if dimension in seen:
            check.fail(
                "DUPLICATE_DIMENSION",
                f"groupBy[{i}]",
                "分组维度不能重复",
                "names a dimension already grouped by",
            )
        seen.append(dimension)
    return tuple(seen)


def _filter(check: Checker, data: StatsFilterInput, rules: StatsRules) -> StatsFilter:
    region = check.region_code("filter.region", data.region, required=False)
    industries: list[str] = []
    if _check_list(check, "filter.industries", data.industries):
        for i, code in enumerate(data.industries):
            text = check.text(f"filter.industries[{i}]", code, max_len=8)
            if text is not None and text not in industries:
                industries.append(text)
    insurers: list[int] = []
    if _check_list(check, "filter.insurers", data.insurer_ids):
        for i, key in enumerate(data.insurer_ids):
            insurer = check.identifier(f"filter.insurers[{i}]", key)
            if insurer is not None and insurer not in insurers:
                insurers.append(insurer)
    categories: list[ServiceCategory] = []
    for i, value in enumerate(data.categories):
        category = check.enum(f"filter.categories[{i}]", value, ServiceCategory)
        if category is not None and category not in categories:
            categories.append(category)
    date_from = check.day("filter.from", data.date_from, required=False)
    date_to = check.day("filter.to", data.date_to, required=False)
    # [from, to) must hold at least one day.
    check.in_order("filter.from", date_from, "filter.to", date_to, allow_equal=False)
    return StatsFilter(
        region_code=region,
        industry_codes=tuple(industries),
        insurer_ids=tuple(insurers),
        categories=tuple(categories),
        from_day=date_from,
        to_day=date_to,
        above_designated_size=data.above_designated_size,
        high_risk_categories=rules.high_risk if data.high_risk_only else (),
    )


def validate(data: StatsInput, rules: StatsRules = DRAFT_RULES) -> StatsSpec:
    """The checked arguments as a spec without calendar (raises ``InputError``)."""
    check = Checker()
    dimensions = _dimensions(check, data.group_by)
    level = check.enum("regionLevel", data.region_level, RegionLevel)
    stats_filter = _filter(check, data.filter, rules)
    check.raise_if_any()
    assert level is not None
    return StatsSpec(
        dimensions=dimensions,
        region_level=level,
        filter=stats_filter,
        deadlines=rules.deadline_days,
        calendar=NO_CALENDAR,
        years=(),
        as_of=date.min,
    )


async def compute_stats(
    session: AsyncSession,
    data: StatsInput,
    *,
    today: date,
    scope: RowScope = EVERYTHING,
    rules: StatsRules = DRAFT_RULES,
    suppress: CellSuppression = keep_every_cell,
    compliance: ComplianceRequest | None = None,
) -> StatsReport:
    """The aggregates for ``data`` inside ``scope``; ``today`` is the caller's day in China
    (it only separates overdue from pending). With ``compliance``, each group also carries
    its findings per rule (``services/stats_compliance.py``): one statement more."""
    spec = replace(validate(data, rules), as_of=today)
    repo = StatsRepository(session, scope)
    spec = await _with_calendar(repo, spec, rules)
    groups = tuple(_group(row, rules) for row in await repo.groups(spec))
    if compliance is not None:
        found = await compliance_groups(session, spec, compliance, today=today)
        groups = _with_compliance(groups, found, spec, rules)
    return StatsReport(
        group_by=spec.ordered_dimensions,
        region_level=spec.region_level,
        rules_version=rules.version,
        as_of=today,
        groups=suppress(groups, spec.ordered_dimensions),
    )


async def _with_calendar(repo: StatsRepository, spec: StatsSpec, rules: StatsRules) -> StatsSpec:
    """The due days of the range's events (of every covered day when the range is open) and,
    grouping by year, the years a policy may be spread over: the range's, or, when it is
    open, the policies' own span (the one case of a second statement)."""
    f = spec.filter
    lo, hi = f.from_day, f.to_day - timedelta(days=1) if f.to_day is not None else None
    calendar = due_calendar(rules.deadline_days, lo, hi)
    years: tuple[YearSpan, ...] = ()
    months: tuple[MonthSpan, ...] = ()
    by_year, by_month = Dimension.YEAR in spec.dimensions, Dimension.MONTH in spec.dimensions
    if by_year or by_month:
        first, last = lo, hi
        if lo is None or hi is None:
            found = await repo.policy_span(spec)
            last_day = found.end - timedelta(days=1) if found.end is not None else None
            first, last = _later(lo, found.first_day), _earlier(hi, last_day)
        years = _years(first, last, f) if by_year else ()
        months = _months(first, last, f) if by_month else ()
    return replace(spec, calendar=calendar, years=years, months=months)


def _later(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


def _years(first: date | None, last: date | None, f: StatsFilter) -> tuple[YearSpan, ...]:
    if first is None or last is None or first > last:
        return ()
    spans = []
    for year in range(first.year, last.year + 1):
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        if f.from_day is not None:
            start = max(start, f.from_day)
        if f.to_day is not None:
            end = min(end, f.to_day)
        spans.append(YearSpan(year, start, end))
    return tuple(spans)


def _months(first: date | None, last: date | None, f: StatsFilter) -> tuple[MonthSpan, ...]:
    if first is None or last is None or first > last:
        return ()
    spans = []
    start = date(first.year, first.month, 1)
    while start <= last:
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        clipped_start = max(start, f.from_day) if f.from_day is not None else start
        clipped_end = min(end, f.to_day) if f.to_day is not None else end
        spans.append(MonthSpan(month_key(start), clipped_start, clipped_end))
        start = end
    return tuple(spans)


def _deadline(m: dict[str, int], prefix: str, rule: DeadlineRule) -> Deadline:
    return Deadline(
        rule=rule.rule,
        working_days=rule.working_days,
        on_time=m[f"{prefix}_{Outcome.ON_TIME.value}"],
        late=m[f"{prefix}_{Outcome.LATE.value}"],
        overdue=m[f"{prefix}_{Outcome.OVERDUE.value}"],
        pending=m[f"{prefix}_{Outcome.PENDING.value}"],
        unknown=m[f"{prefix}_{Outcome.UNKNOWN.value}"],
    )


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _group(row: StatsRow, rules: StatsRules) -> StatsGroup:
    m = row.measures
    region = None
    if row.region_code is not None:
        region = RegionKey(row.region_code, row.region_name, row.region_level)
    industry = None
    if row.industry_code is not None:
        industry = NamedKey(row.industry_code, row.industry_name)
    insurer = NamedKey(row.insurer_id, row.insurer_name) if row.insurer_id is not None else None
    decided = m["confirmed"] + m["disputed"]
    return StatsGroup(
        region=region,
        industry=industry,
        insurer=insurer,
        year=row.year,
        month=row.month,
        category=row.category,
        units_covered=m["units_covered"],
        services=Services(
            delivered=m["services"],
            by_category=tuple((c, m[f"services_{c.value}"]) for c in ServiceCategory),
        ),
        satisfaction=Satisfaction(
            responses=m["satisfaction_responses"],
            score_sum=m["satisfaction_sum"],
            distribution=tuple((s, m[f"satisfaction_{s}"]) for s in range(1, 6)),
        ),
        follow_up=_deadline(m, "followup", rules.followup),
        archive=Archive(
            confirmed=m["confirmed"],
            disputed=m["disputed"],
            unconfirmed=m["services"] - decided,
            organised=_deadline(m, "organised", rules.archive),
        ),
        complaints=Complaints(
            filed=m["complaints_filed"],
            answered=m["complaints_answered"],
            needing_verification=m["complaints_verification"],
            answer=_deadline(m, "answer", rules.complaint),
            verified_answer=_deadline(m, "verified_answer", rules.complaint_verified),
        ),
        fees=Fees(income=_yuan(m["fee_income_fen"]), expenditure=_yuan(m["fee_expenditure_fen"])),
        major_hazards=MajorHazards(found=m["major_hazards_found"], told=m["major_hazards_told"]),
    )


# The dimension in each place of a ``GroupKey``.
KEY_DIMENSIONS: tuple[Dimension, ...] = (
    Dimension.REGION,
    Dimension.INDUSTRY,
    Dimension.INSURER,
    Dimension.YEAR,
    Dimension.MONTH,
    Dimension.CATEGORY,
)


def _group_key(g: StatsGroup) -> GroupKey:
    industry, insurer = g.industry, g.insurer
    return (
        g.region.code if g.region is not None else None,
        str(industry.key) if industry is not None else None,
        int(insurer.key) if insurer is not None else None,
        g.year,
        g.month,
        g.category,
    )


def _blank(found: ComplianceGroup, rules: StatsRules) -> StatsGroup:
    """A group only findings have (an insurer's own duty under a null region): every stats
    figure 0."""
    region, industry, insurer, year, month, category = found.key
    row = StatsRow(
        region_code=region,
        region_name=found.region_name,
        region_level=found.region_level,
        industry_code=industry,
        industry_name=found.industry_name,
        insurer_id=insurer,
        insurer_name=found.insurer_name,
        year=year,
        category=category,
        measures=dict.fromkeys(MEASURES, 0),
        month=month,
    )
    return replace(_group(row, rules), compliance=found.rules)


def _with_compliance(
    groups: tuple[StatsGroup, ...],
    found: dict[GroupKey, ComplianceGroup],
    spec: StatsSpec,
    rules: StatsRules,
) -> tuple[StatsGroup, ...]:
    """Each group with its findings; groups only findings have are added, in the
    statement's order (by each dimension asked for, nulls last)."""
    merged = []
    for g in groups:
        f = found.get(_group_key(g))
        merged.append(replace(g, compliance=f.rules) if f is not None else g)
    known = {_group_key(g) for g in groups}
    extra = [_blank(f, rules) for key, f in found.items() if key not in known]
    if not extra:
        return tuple(merged)
    places = [i for i, d in enumerate(KEY_DIMENSIONS) if d in spec.dimensions]

    def order(g: StatsGroup) -> tuple[tuple[bool, object], ...]:
        # Within one place the keys share a type; None sorts last and is never compared.
        key = _group_key(g)
        return tuple((key[i] is None, key[i]) for i in places)

    return tuple(sorted(merged + extra, key=order))
