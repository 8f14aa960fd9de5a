"""Compliance findings (合规发现, issue 6 item 3) for the working-day deadlines: one statement
per page, a UNION ALL of one select per rule, each read under the caller's read scope on the
subject's table, so a finding about a row the caller cannot read does not exist for them.

The deadlines are those of the statistics, computed the same way: each subject joins the
working-day calendar (``stats/calendar.py``) on the day of its event in China and takes the
instant its due day ends; its state is then a comparison of instants (``stats/deadlines.py``).
Rows come in keyset order (event instant, rule, subject id): no OFFSET, page n costs page 1.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Subquery,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from store.base import UTCDateTime
from store.models.complaint import Complaint
from store.models.follow_up import FollowUp
from store.models.insured_unit import InsuredUnit
from store.models.service_record import ServiceRecord
from store.repositories.base import EVERYTHING, RowScope
from store.repositories.stats.calendar import calendar_rows
from store.repositories.stats.deadlines import TODAY, day_start, today
from store.repositories.stats.spec import DueCalendar
from store.repositories.stats.sql import day_number, number
from store.repositories.stats.units import in_jurisdiction

SOON = "findings_soon"  # the instant the due-soon window ends, bound at execution


class FindingRule(enum.StrEnum):
    """The rules with findings so far."""

    FOLLOWUP = "followup"  # R-6.3-followup
    ARCHIVE = "archive"  # R-6.3-archive
    COMPLAINT = "complaint"  # R-6.4-complaint

    @property
    def rank(self) -> int:
        """Its place inside one event instant in the keyset order (and in a cursor)."""
        return RULE_ORDER.index(self) + 1

    @classmethod
    def of_rank(cls, rank: int) -> FindingRule:
        if not 1 <= rank <= len(RULE_ORDER):
            raise ValueError(rank)
        return RULE_ORDER[rank - 1]


RULE_ORDER: tuple[FindingRule, ...] = tuple(FindingRule)


class FindingState(enum.StrEnum):
    MET = "MET"  # done on or before the due day
    LATE = "LATE"  # done after the due day
    OVERDUE = "OVERDUE"  # not done, the due day is before today
    DUE_SOON = "DUE_SOON"  # not done, due within the window (``FindingQuery.soon_day``)
    PENDING = "PENDING"  # not done, due later
    UNKNOWN = "UNKNOWN"  # the holiday calendar does not cover the event's or the due day


@dataclass(frozen=True, slots=True)
class FindingKey:
    """A finding's place in the keyset order (what a cursor holds)."""

    event_at: datetime
    rule: FindingRule
    subject_id: int


@dataclass(frozen=True, slots=True)
class FindingQuery:
    rules: tuple[FindingRule, ...]  # at least one
    calendar: DueCalendar  # due days of every deadline, for the events' days
    today: date  # a day in China: separates overdue from due soon and pending
    soon_day: date  # not done and due before this day begins: due soon
    limit: int
    after: FindingKey | None = None
    region_code: str | None = None  # the units of this jurisdiction
    insurer_ids: tuple[int, ...] = ()
    states: tuple[FindingState, ...] = ()
    from_day: date | None = None  # the event's day in China, inclusive
    to_day: date | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class FindingRow:
    rule: FindingRule
    subject_id: int  # a service record, or a complaint for R-6.4-complaint
    insurer_id: int
    unit_id: int
    event_at: datetime  # completion, or filing
    done_at: datetime | None  # first visit, organised, or answered
    due_ends: datetime | None  # the instant the due day ends in China; None: unknown
    needs_verification: bool
    state: FindingState

    @property
    def key(self) -> FindingKey:
        return FindingKey(self.event_at, self.rule, self.subject_id)


@dataclass(frozen=True, slots=True)
class FindingPage:
    rows: tuple[FindingRow, ...]
    more: bool


def _narrowed(
    query: FindingQuery, event_at: Any, insurer_id: Any, unit_id: Any
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.from_day is not None:
        conditions.append(event_at >= day_start(query.from_day))
    if query.to_day is not None:
        conditions.append(event_at < day_start(query.to_day))
    if query.insurer_ids:
        conditions.append(insurer_id.in_(query.insurer_ids))
    if query.region_code is not None:
        # Only narrows the rows the subject's scope already lets through: regions are public.
        units = select(InsuredUnit.id).where(
            in_jurisdiction(InsuredUnit.region_code, query.region_code, EVERYTHING)
        )
        conditions.append(unit_id.in_(units))
    return conditions


def _service_rule(
    rule: FindingRule, query: FindingQuery, scope: RowScope, cal: Subquery
) -> Select[Any]:
    s = ServiceRecord
    if rule is FindingRule.FOLLOWUP:
        # R-6.3-followup: the first visit the caller may read is measured against the deadline.
        done: Any = (
            select(func.min(FollowUp.visited_at))
            .where(FollowUp.service_record_id == s.id, scope.where(FollowUp))
            .correlate(s)
            .scalar_subquery()
        )
        due = cal.c.followup_ends
    else:
        done, due = s.organised_at, cal.c.archive_ends  # R-6.3-archive
    return (
        select(
            number(rule.rank).label("rule"),
            s.id.label("subject_id"),
            s.insurer_id.label("insurer_id"),
            s.unit_id.label("unit_id"),
            s.completed_at.label("event_at"),
            done.label("done_at"),
            due.label("due_ends"),
            false().label("verify"),
        )
        .select_from(s)
        .outerjoin(cal, cal.c.day == day_number(s.completed_at))
        .where(
            scope.where(s),
            s.completed_at.is_not(None),
            *_narrowed(query, s.completed_at, s.insurer_id, s.unit_id),
        )
    )


def _complaint_rule(query: FindingQuery, scope: RowScope, cal: Subquery) -> Select[Any]:
    c = Complaint
    # R-6.4-complaint: the longer limit applies when further verification is needed.
    due = case(
        (c.needs_verification.is_(True), cal.c.complaint_verified_ends),
        else_=cal.c.complaint_ends,
    )
    return (
        select(
            number(FindingRule.COMPLAINT.rank).label("rule"),
            c.id.label("subject_id"),
            c.insurer_id.label("insurer_id"),
            c.unit_id.label("unit_id"),
            c.filed_at.label("event_at"),
            c.answered_at.label("done_at"),
            due.label("due_ends"),
            c.needs_verification.label("verify"),
        )
        .select_from(c)
        .outerjoin(cal, cal.c.day == day_number(c.filed_at))
        .where(scope.where(c), *_narrowed(query, c.filed_at, c.insurer_id, c.unit_id))
    )


def _label(state: FindingState) -> ColumnElement[str]:
    # A constant of the statement's own making, as SQL text: no bind for PostgreSQL to type.
    return literal_column(f"'{state.value}'", String())


def _state(done_at: Any, due_ends: Any) -> ColumnElement[str]:
    """The conditions of ``stats/deadlines.py``, plus due soon; the first that holds wins."""
    soon = bindparam(SOON, type_=UTCDateTime())
    return case(
        (due_ends.is_(None), _label(FindingState.UNKNOWN)),
        (done_at < due_ends, _label(FindingState.MET)),
        (done_at.is_not(None), _label(FindingState.LATE)),
        (due_ends <= today(), _label(FindingState.OVERDUE)),
        (due_ends <= soon, _label(FindingState.DUE_SOON)),
        else_=_label(FindingState.PENDING),
    )


def findings_statement(query: FindingQuery, scope: RowScope, dialect: str) -> Select[Any]:
    cal = calendar_rows(query.calendar, dialect)
    parts: list[Select[Any]] = []
    for rule in query.rules:
        if rule is FindingRule.COMPLAINT:
            parts.append(_complaint_rule(query, scope, cal))
        else:
            parts.append(_service_rule(rule, query, scope, cal))
    rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("finding_rows")
    r = rows.c
    state = _state(r.done_at, r.due_ends).label("state")
    stmt = select(
        r.rule, r.subject_id, r.insurer_id, r.unit_id, r.event_at, r.done_at, r.due_ends, r.verify
    ).add_columns(state)
    if query.states:
        stmt = stmt.where(_state(r.done_at, r.due_ends).in_([s.value for s in query.states]))
    after = query.after
    if after is not None:
        at = bindparam("after_at", after.event_at, type_=UTCDateTime())
        rank = bindparam("after_rule", after.rule.rank, type_=Integer())
        key = bindparam("after_id", after.subject_id, type_=Integer())
        stmt = stmt.where(
            or_(
                r.event_at > at,
                and_(r.event_at == at, r.rule > rank),
                and_(r.event_at == at, r.rule == rank, r.subject_id > key),
            )
        )
    return stmt.order_by(r.event_at, r.rule, r.subject_id).limit(query.limit + 1)


class FindingRepository:
    """Findings in SQL only, every subject read through ``scope.where`` of its table."""

    def __init__(self, session: AsyncSession, scope: RowScope = EVERYTHING) -> None:
        self.session = session
        self.scope = scope

    async def page(self, query: FindingQuery) -> FindingPage:
        dialect = self.session.get_bind().dialect.name
        statement = findings_statement(query, self.scope, dialect)
        result = await self.session.execute(
            statement, {TODAY: day_start(query.today), SOON: day_start(query.soon_day)}
        )
        rows = [
            FindingRow(
                rule=FindingRule.of_rank(int(row.rule)),
                subject_id=row.subject_id,
                insurer_id=row.insurer_id,
                unit_id=row.unit_id,
                event_at=row.event_at,
                done_at=row.done_at,
                due_ends=row.due_ends,
                needs_verification=bool(row.verify),
                state=FindingState(row.state),
            )
            for row in result
        ]
        return FindingPage(rows=tuple(rows[: query.limit]), more=len(rows) > query.limit)
