"""The working-day deadlines (R-6.3-followup, R-6.3-archive, R-6.4-complaint): each subject
joins the working-day calendar (``stats/calendar.py``) on the day of its event in China and
takes the instant its due day ends; its state is a comparison of instants."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, Text, case, func, literal_column, select

from store.models.complaint import Complaint
from store.models.follow_up import FollowUp
from store.models.service_record import ServiceRecord
from store.repositories.base import RowScope
from store.repositories.findings_spec import FindingQuery, FindingRule
from store.repositories.findings_sql import deadline_state, flag_text, narrowed, row
from store.repositories.stats.implied import via_parent
from store.repositories.stats.sql import day_number


def service_rule(
    rule: FindingRule, query: FindingQuery, scope: RowScope, cal: Subquery
) -> Select[Any]:
    s = ServiceRecord
    stmt = select().select_from(s)
    if rule is FindingRule.FOLLOWUP:
        # R-6.3-followup: the first visit the caller may read is measured against the deadline.
        # Grouped once and joined: as a subquery per record, PostgreSQL checked the visits'
        # scope again for each of a country's million records (57 s instead of a few).
        # When a visit's scope is "its record is visible" (stats/implied.py), the join on
        # the visible record already holds it: one semi-join of every record fewer (a third
        # of the rule's time for the whole country, bench/RESULTS.md).
        implied = via_parent(scope, FollowUp, FollowUp.service_record_id, ServiceRecord)
        visits = (
            select(
                FollowUp.service_record_id.label("record_id"),
                func.min(FollowUp.visited_at).label("first_at"),
            )
            .where(*([] if implied else [scope.where(FollowUp)]))
            .group_by(FollowUp.service_record_id)
            .subquery("first_visits")
        )
        stmt = stmt.outerjoin(visits, visits.c.record_id == s.id)
        done: Any = visits.c.first_at
        due = cal.c.followup_ends
    else:
        done, due = s.organised_at, cal.c.archive_ends  # R-6.3-archive
    return (
        stmt.add_columns(
            *row(
                rule,
                subject_id=s.id,
                insurer_id=s.insurer_id,
                unit_id=s.unit_id,
                event_at=s.completed_at,
                done_at=done,
                due_ends=due,
                state=deadline_state(done, due),
            )
        )
        .outerjoin(cal, cal.c.day == day_number(s.completed_at))
        .where(
            scope.where(s),
            s.completed_at.is_not(None),
            *narrowed(query, s.completed_at, s.insurer_id, s.unit_id),
        )
    )


def complaint_rule(query: FindingQuery, scope: RowScope, cal: Subquery) -> Select[Any]:
    c = Complaint
    # R-6.4-complaint: the longer limit applies when further verification is needed.
    due = case(
        (c.needs_verification.is_(True), cal.c.complaint_verified_ends),
        else_=cal.c.complaint_ends,
    )
    # An answer lacking one of the parts the ruleset names (``answer_<part>``) is no answer
    # yet: its parts are evidence, and the deadline still runs.
    missing: ColumnElement[str] = literal_column("''", Text())
    for part in query.params.answer_parts:
        column = getattr(c, f"answer_{part}", None)
        if column is not None:
            blank = func.coalesce(func.trim(column), literal_column("''", Text())) == ""
            missing = missing + flag_text(part, c.answered_at.is_not(None) & blank)
    complete = case((missing == literal_column("''", Text()), c.answered_at))
    return (
        select(
            *row(
                FindingRule.COMPLAINT,
                subject_id=c.id,
                insurer_id=c.insurer_id,
                unit_id=c.unit_id,
                event_at=c.filed_at,
                done_at=c.answered_at,
                due_ends=due,
                verify=c.needs_verification,
                missing=missing,
                state=deadline_state(complete, due),
            )
        )
        .select_from(c)
        .outerjoin(cal, cal.c.day == day_number(c.filed_at))
        .where(scope.where(c), *narrowed(query, c.filed_at, c.insurer_id, c.unit_id))
    )
