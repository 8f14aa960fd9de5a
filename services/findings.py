"""Compliance findings (合规发现, issue 6 item 3): where each subject stands against each rule
of the standard, under the ruleset in force.

Every rule of STANDARD.md with something to measure (``FindingRule``):

- working-day deadlines, due days from the holiday calendar (``working_days.due_calendar``):
  R-6.3-followup (first visit within N working days after completion), R-6.3-archive
  (organised within N), R-6.4-complaint (answered within N working days of filing, M when
  further verification is needed, with every part of the answer);
- per policy year (due on its last day): R-5.1-annual (high-risk units above designated size
  get the categories' services), R-4.1-contract (each agreed item delivered as often as
  agreed), R-7.3-ledger (the agreed share of the premium spent; spending with no service
  behind it is never met, and open until the year ends), R-7.4-archive (every document of
  the unit's archive, the contracts of the agencies that served it included);
- per service: R-6.1-scheme (a complete scheme agreed before the service began),
  R-6.2-major-hazard (the unit told of a major hazard, in time when the ruleset says when);
- per calendar year: R-7.1-staff (management staff trained), R-8.1-evaluation (a report with
  every section), R-8.2-publication (submitted and published in time);
- per service or scheme given to an agency: R-7.1-staff (the agency was not suspended then,
  by its status history).

The states are worked out in SQL (``store/repositories/findings*.py``), one statement per
page, inside the caller's read scope. Every finding names the ruleset it came from.

States: MET (done on or before the due day, nothing missing), LATE (done after it), OVERDUE
(not done or something missing, the due day is before today), DUE_SOON (not done, due today or
within the next ``DUE_SOON_DAYS - 1`` days), PENDING (not done, due later), UNKNOWN (the
calendar does not cover the event's day or its due day, never a weekday guess; or the data
model does not hold what the rule needs, see ``Finding.unverifiable``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import Enum
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.rulesets import Ruleset
from services.validation import Checker
from services.working_days import china_day, due_calendar, working_days_between
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.findings import (
    DueKey,
    FindingKey,
    FindingOrder,
    FindingQuery,
    FindingRepository,
    FindingRow,
    FindingRule,
    FindingState,
    RuleParameters,
)
from store.repositories.findings_archive import UNKNOWN_DOCUMENT, UNVERIFIABLE_REASONS
from store.repositories.stats import NO_CALENDAR, DeadlineDays

DEFAULT_PAGE = 50
MAX_PAGE = 1000
MAX_LIST = 100  # entries per filter list: bounds the statement's IN lists
INDUSTRY_CODE_LENGTH = 8  # industry.code, String(8)
# Due today, tomorrow or the day after: "due soon" (a reading aid, not a rule of the standard).
DUE_SOON_DAYS = 3
CURSOR_PREFIX = "finding:"
NULL_KEY = "~"  # a cursor's due instant for a finding with none (they sort last)
# Yearly duties are measured for at most this many years back.
MAX_YEARS_BACK = 30

# Rules whose parameters need no section of a ruleset: the STANDARD.md id itself.
FIXED_IDS = {
    FindingRule.CONTRACT: "R-4.1-contract",  # the contract's own items and frequencies
    FindingRule.SCHEME: "R-6.1-scheme",  # the fields of 3.4
    FindingRule.LEDGER: "R-7.3-ledger",  # the contract's own ratio of premium
}

__all__ = ["FindingOrder", "FindingRule", "FindingState"]

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


@dataclass(frozen=True, slots=True)
class FindingFilterInput:
    region: str | None = None
    industries: Sequence[str] = ()  # the units' industry codes (any of)
    insurer_ids: Sequence[int] = ()
    rules: Sequence[FindingRule | str] = ()
    states: Sequence[FindingState | str] = ()
    date_from: date | None = None  # the event's day in China (completion, filing), inclusive
    date_to: date | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # the STANDARD.md id
    state: FindingState
    due_on: date | None  # the due day in China
    due_at: datetime | None  # the instant the due day ends
    working_days: int | None  # the deadline in working days, for the working-day rules
    # Working days after today up to the due day (0: due today; below 0: overdue by as many);
    # None without a due day or past the holiday calendar.
    working_days_left: int | None
    row: FindingRow
    reasons: tuple[str, ...] = ()  # why each of ``row.unverifiable`` cannot be checked


@dataclass(frozen=True, slots=True)
class FindingsPage:
    ruleset_id: str
    findings: tuple[Finding, ...]
    more: bool
    order: FindingOrder = FindingOrder.STARTED
    descending: bool = False

    def cursor(self, finding: Finding) -> str:
        """The cursor after ``finding`` in this page's order."""
        return cursor_of(finding.row.key_in(self.order), descending=self.descending)


def rule_id(rule: FindingRule, rules: Ruleset) -> str:
    fixed = FIXED_IDS.get(rule)
    if fixed is not None:
        return fixed
    section = {
        FindingRule.FOLLOWUP: rules.followup.cite,
        FindingRule.ARCHIVE: rules.archive.cite,
        FindingRule.COMPLAINT: rules.complaint.cite,
        FindingRule.ANNUAL: rules.annual_service.cite,
        FindingRule.MAJOR_HAZARD: rules.major_hazard.cite,
        FindingRule.STAFF: rules.staff_training.cite,
        # R-7.1-staff's second half: a suspended agency gets no new work.
        FindingRule.AGENCY_WORK: rules.staff_training.cite,
        FindingRule.AGENCY_SCHEME: rules.staff_training.cite,
        FindingRule.UNIT_ARCHIVE: rules.retention.cite,
        FindingRule.EVALUATION: rules.evaluation.cite,
        FindingRule.PUBLICATION: rules.publication.cite,
    }[rule]
    return section.rule


def working_days(row: FindingRow, rules: Ruleset) -> int | None:
    if row.rule is FindingRule.FOLLOWUP:
        return rules.followup.working_days
    if row.rule is FindingRule.ARCHIVE:
        return rules.archive.working_days
    if row.rule is not FindingRule.COMPLAINT:
        return None  # measured in calendar days or by the end of a period
    if row.needs_verification:
        return rules.complaint.verification_working_days
    return rules.complaint.working_days


def parameters(rules: Ruleset) -> RuleParameters:
    """The ruleset's numbers and lists, as the statement reads them."""
    return RuleParameters(
        annual_industries=rules.annual_service.industries,
        annual_categories=rules.annual_service.categories,
        annual_min=rules.annual_service.min_services_per_year,
        trainings_per_year=rules.staff_training.trainings_per_year,
        hazard_told_days=rules.major_hazard.told_within_days,
        documents=rules.retention.documents,
        retention_years=rules.retention.years,
        submit_days=rules.publication.submit_within_days,
        publish_days=rules.publication.publish_within_days,
        evaluation_sections=rules.evaluation.sections,
        evaluation_methods=rules.evaluation.methods,
        answer_parts=rules.complaint.answer_parts,
    )


def years(query: FindingQuery, rules: Ruleset) -> tuple[int, ...]:
    """The calendar years yearly duties are measured for: those the filter's range touches,
    else the retention period up to this year (R-7.4-archive), never a year to come."""
    last = query.today.year
    if query.to_day is not None:
        last = min(last, (query.to_day - timedelta(days=1)).year)
    first = last - rules.retention.years
    if query.from_day is not None:
        first = query.from_day.year
    first = max(first, query.today.year - MAX_YEARS_BACK)
    return tuple(range(first, last + 1))


def deadline_days(rules: Ruleset) -> DeadlineDays:
    return DeadlineDays(
        followup=rules.followup.working_days,
        archive=rules.archive.working_days,
        complaint=rules.complaint.working_days,
        complaint_verified=rules.complaint.verification_working_days,
    )


def cursor_prefix(order: FindingOrder, descending: bool) -> str:
    """A cursor names its order, so one of another order is refused, not misread."""
    if order is FindingOrder.STARTED and not descending:
        return CURSOR_PREFIX  # the first cursors' form, still accepted
    return f"finding-{order.value}-{'desc' if descending else 'asc'}:"


def cursor_of(key: FindingKey | DueKey, *, descending: bool = False) -> str:
    if isinstance(key, DueKey):
        at = NULL_KEY if key.due_ends is None else key.due_ends.isoformat()
        prefix = cursor_prefix(FindingOrder.DUE, descending)
    else:
        at, prefix = key.event_at.isoformat(), cursor_prefix(FindingOrder.STARTED, descending)
    return f"{prefix}{at}|{key.rule.rank}|{key.subject_id}"


def _after(
    check: Checker, cursor: str | None, order: FindingOrder | None, descending: bool
) -> FindingKey | DueKey | None:
    if cursor is None or order is None:  # no cursor, or an order already refused
        return None
    try:
        prefix = cursor_prefix(order, descending)
        if not cursor.startswith(prefix):
            raise ValueError(cursor)
        at, rank, key = cursor.removeprefix(prefix).split("|")
        if not key.isascii() or not key.isdigit() or len(key) > 19:
            raise ValueError(cursor)
        rule, subject = FindingRule.of_rank(int(rank)), int(key)
        if order is FindingOrder.DUE and at == NULL_KEY:
            return DueKey(None, rule, subject)
        instant = datetime.fromisoformat(at)
        if instant.tzinfo is None:
            raise ValueError(cursor)
        if order is FindingOrder.DUE:
            return DueKey(instant, rule, subject)
        return FindingKey(instant, rule, subject)
    except ValueError:
        check.fail(
            "BAD_CURSOR",
            "after",
            "游标无效：请使用本列表按同一排序返回的游标",
            "bad cursor: use a cursor this list returned in the same order",
        )
        return None


def _unique(check: Checker, field: str, values: Sequence[T]) -> tuple[T, ...]:
    if len(values) > MAX_LIST:
        check.fail("TOO_MANY", field, f"最多{MAX_LIST}项", f"must have at most {MAX_LIST} entries")
        return ()
    return tuple(dict.fromkeys(values))


def _enums(
    check: Checker, field: str, values: Sequence[E | str], enum_cls: type[E]
) -> tuple[E, ...]:
    if not _unique(check, field, values):  # too many (or none): not worth checking each
        return ()
    found = [check.enum(f"{field}[{i}]", v, enum_cls) for i, v in enumerate(values)]
    return tuple(dict.fromkeys(v for v in found if v is not None))


def validate(
    data: FindingFilterInput,
    *,
    first: int | None,
    after: str | None,
    today: date,
    order: FindingOrder | str = FindingOrder.STARTED,
    descending: bool = False,
) -> FindingQuery:
    """The checked arguments as a query without calendar (raises ``InputError``)."""
    check = Checker()
    sort = check.enum("orderBy.field", order, FindingOrder)
    region = check.region_code("filter.region", data.region, required=False)
    industries = _unique(check, "filter.industries", data.industries)
    for i, code in enumerate(industries):
        check.text(f"filter.industries[{i}]", code, max_len=INDUSTRY_CODE_LENGTH)
    insurers = _unique(check, "filter.insurers", data.insurer_ids)
    for i, insurer in enumerate(insurers):
        check.identifier(f"filter.insurers[{i}]", insurer)
    rules = _enums(check, "filter.rules", data.rules, FindingRule) or tuple(FindingRule)
    states = _enums(check, "filter.states", data.states, FindingState)
    date_from = check.day("filter.from", data.date_from, required=False)
    date_to = check.day("filter.to", data.date_to, required=False)
    check.in_order("filter.from", date_from, "filter.to", date_to, allow_equal=False)
    size = check.integer("first", first, min_value=1, max_value=MAX_PAGE, required=False)
    key = _after(check, after, sort, descending)
    check.raise_if_any()
    assert sort is not None
    return FindingQuery(
        rules=rules,
        calendar=NO_CALENDAR,  # the ruleset's, once the arguments are known good
        today=today,
        soon_day=today + timedelta(days=DUE_SOON_DAYS),
        limit=size or DEFAULT_PAGE,
        after=key,
        order=sort,
        descending=descending,
        region_code=region,
        industry_codes=industries,
        insurer_ids=insurers,
        states=states,
        from_day=date_from,
        to_day=date_to,
    )


def _finding(row: FindingRow, rules: Ruleset, today: date) -> Finding:
    due_on = None
    if row.due_ends is not None:
        # The due day is the day before the one whose start ends it.
        due_on = china_day(row.due_ends) - timedelta(days=1)
    return Finding(
        rule=rule_id(row.rule, rules),
        state=row.state,
        due_on=due_on,
        due_at=row.due_ends,
        working_days=working_days(row, rules),
        working_days_left=None if due_on is None else working_days_between(today, due_on),
        row=row,
        reasons=tuple(
            UNVERIFIABLE_REASONS.get(code, UNKNOWN_DOCUMENT) for code in row.unverifiable
        ),
    )


def checked_query(
    data: FindingFilterInput,
    *,
    rules: Ruleset,
    today: date,
    first: int | None = None,
    after: str | None = None,
    order: FindingOrder | str = FindingOrder.STARTED,
    descending: bool = False,
) -> FindingQuery:
    """The checked arguments with the ruleset's calendar, parameters and years (raises
    ``InputError``)."""
    query = validate(
        data, first=first, after=after, today=today, order=order, descending=descending
    )
    lo = query.from_day
    hi = query.to_day - timedelta(days=1) if query.to_day is not None else None
    query = replace(
        query,
        calendar=due_calendar(deadline_days(rules), lo, hi),
        parameters=parameters(rules),
    )
    return replace(query, years=years(query, rules))


async def findings(
    session: AsyncSession,
    data: FindingFilterInput,
    *,
    rules: Ruleset,
    today: date,
    first: int | None = None,
    after: str | None = None,
    order: FindingOrder | str = FindingOrder.STARTED,
    descending: bool = False,
    scope: RowScope = EVERYTHING,
) -> FindingsPage:
    """One page of findings under ``rules`` inside ``scope`` (the caller's read scope),
    in ``order`` (by start, or by due instant with none last: a work queue, issue 9);
    ``today`` is the caller's day in China. One statement."""
    query = checked_query(
        data,
        rules=rules,
        today=today,
        first=first,
        after=after,
        order=order,
        descending=descending,
    )
    page = await FindingRepository(session, scope).page(query)
    return FindingsPage(
        ruleset_id=rules.id,
        findings=tuple(_finding(row, rules, today) for row in page.rows),
        more=page.more,
        order=query.order,
        descending=query.descending,
    )
