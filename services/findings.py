"""Compliance findings (合规发现, issue 6 item 3): where a service record or a complaint stands
against a working-day deadline of the ruleset in force.

Rules so far: R-6.3-followup (first visit within N working days after completion),
R-6.3-archive (organised within N working days after completion) and R-6.4-complaint
(answered within N working days of filing, M when further verification is needed). The due
days come from the holiday calendar (``working_days.due_calendar``) and the states are worked
out in SQL (``store/repositories/findings.py``), one statement per page, inside the caller's
read scope. Every finding names the ruleset it came from.

States: MET (done on or before the due day), LATE (done after it), OVERDUE (not done, the due
day is before today), DUE_SOON (not done, due today or within the next ``DUE_SOON_DAYS - 1``
days), PENDING (not done, due later), UNKNOWN (the calendar does not cover the event's day or
its due day: never a weekday guess).
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
from services.working_days import china_day, due_calendar
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.findings import (
    FindingKey,
    FindingQuery,
    FindingRepository,
    FindingRow,
    FindingRule,
    FindingState,
)
from store.repositories.stats import NO_CALENDAR, DeadlineDays

DEFAULT_PAGE = 50
MAX_PAGE = 1000
MAX_LIST = 100  # entries per filter list: bounds the statement's IN lists
# Due today, tomorrow or the day after: "due soon" (a reading aid, not a rule of the standard).
DUE_SOON_DAYS = 3
CURSOR_PREFIX = "finding:"

__all__ = ["FindingRule", "FindingState"]

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


@dataclass(frozen=True, slots=True)
class FindingFilterInput:
    region: str | None = None
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
    working_days: int
    row: FindingRow


@dataclass(frozen=True, slots=True)
class FindingsPage:
    ruleset_id: str
    findings: tuple[Finding, ...]
    more: bool


def rule_id(rule: FindingRule, rules: Ruleset) -> str:
    if rule is FindingRule.FOLLOWUP:
        return rules.followup.cite.rule
    if rule is FindingRule.ARCHIVE:
        return rules.archive.cite.rule
    return rules.complaint.cite.rule


def working_days(row: FindingRow, rules: Ruleset) -> int:
    if row.rule is FindingRule.FOLLOWUP:
        return rules.followup.working_days
    if row.rule is FindingRule.ARCHIVE:
        return rules.archive.working_days
    if row.needs_verification:
        return rules.complaint.verification_working_days
    return rules.complaint.working_days


def deadline_days(rules: Ruleset) -> DeadlineDays:
    return DeadlineDays(
        followup=rules.followup.working_days,
        archive=rules.archive.working_days,
        complaint=rules.complaint.working_days,
        complaint_verified=rules.complaint.verification_working_days,
    )


def cursor_of(key: FindingKey) -> str:
    return f"{CURSOR_PREFIX}{key.event_at.isoformat()}|{key.rule.rank}|{key.subject_id}"


def _after(check: Checker, cursor: str | None) -> FindingKey | None:
    if cursor is None:
        return None
    try:
        if not cursor.startswith(CURSOR_PREFIX):
            raise ValueError(cursor)
        at, rank, key = cursor.removeprefix(CURSOR_PREFIX).split("|")
        event_at = datetime.fromisoformat(at)
        if event_at.tzinfo is None or not key.isascii() or not key.isdigit() or len(key) > 19:
            raise ValueError(cursor)
        return FindingKey(event_at, FindingRule.of_rank(int(rank)), int(key))
    except ValueError:
        check.fail(
            "BAD_CURSOR",
            "after",
            "游标无效：请使用本列表返回的游标",
            "bad cursor: use a cursor this list returned",
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
    data: FindingFilterInput, *, first: int | None, after: str | None, today: date
) -> FindingQuery:
    """The checked arguments as a query without calendar (raises ``InputError``)."""
    check = Checker()
    region = check.region_code("filter.region", data.region, required=False)
    insurers = _unique(check, "filter.insurers", data.insurer_ids)
    for i, insurer in enumerate(insurers):
        check.identifier(f"filter.insurers[{i}]", insurer)
    rules = _enums(check, "filter.rules", data.rules, FindingRule) or tuple(FindingRule)
    states = _enums(check, "filter.states", data.states, FindingState)
    date_from = check.day("filter.from", data.date_from, required=False)
    date_to = check.day("filter.to", data.date_to, required=False)
    check.in_order("filter.from", date_from, "filter.to", date_to, allow_equal=False)
    size = check.integer("first", first, min_value=1, max_value=MAX_PAGE, required=False)
    key = _after(check, after)
    check.raise_if_any()
    return FindingQuery(
        rules=rules,
        calendar=NO_CALENDAR,  # the ruleset's, once the arguments are known good
        today=today,
        soon_day=today + timedelta(days=DUE_SOON_DAYS),
        limit=size or DEFAULT_PAGE,
        after=key,
        region_code=region,
        insurer_ids=insurers,
        states=states,
        from_day=date_from,
        to_day=date_to,
    )


def _finding(row: FindingRow, rules: Ruleset) -> Finding:
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
        row=row,
    )


async def findings(
    session: AsyncSession,
    data: FindingFilterInput,
    *,
    rules: Ruleset,
    today: date,
    first: int | None = None,
    after: str | None = None,
    scope: RowScope = EVERYTHING,
) -> FindingsPage:
    """One page of findings under ``rules`` inside ``scope`` (the caller's read scope);
    ``today`` is the caller's day in China. One statement."""
    query = validate(data, first=first, after=after, today=today)
    lo = query.from_day
    hi = query.to_day - timedelta(days=1) if query.to_day is not None else None
    query = replace(query, calendar=due_calendar(deadline_days(rules), lo, hi))
    page = await FindingRepository(session, scope).page(query)
    return FindingsPage(
        ruleset_id=rules.id,
        findings=tuple(_finding(row, rules) for row in page.rows),
        more=page.more,
    )
