"""R-7.1-staff, its second half: "an agency can be suspended; a suspended agency gets no new
work". A finding per service record assigned to an agency (``service_record.agency_id``) and
per scheme naming one (``service_scheme.agency_id``): not met when the agency was suspended
then, by its status history (``agency_status_change``, migration 0010), else met.

A record's assignment is known only as a day (``planned_on``): the agency was suspended on
that day when a suspension of it overlapped the day in China at all. A scheme's is an instant
(``agreed_at``): a suspension in force at that instant. A suspension lasts from its row to the
agency's next reinstatement (open while there is none).

The history is read without the caller's scope, on purpose: whether an agency was suspended is
no secret from whoever may read the work given to it (insurers must know it to give it no
work; a unit sees the agency that served it), and the finding only exists about a record or
scheme the caller may read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import aliased

from store.enums import AgencyStatus
from store.models.agency_status_change import AgencyStatusChange
from store.models.service_record import ServiceRecord
from store.models.service_scheme import ServiceScheme
from store.repositories.base import RowScope
from store.repositories.findings_spec import FindingQuery, FindingRule, FindingState
from store.repositories.findings_sql import begins, day_begins, flag_text, label, narrowed, row
from store.repositories.stats.sql import day_number, number

SUSPENDED_CODE = "agency_suspended"  # the evidence's ``missing`` code of a finding not met


def suspensions() -> Any:
    """(id, agency_id, since, until): every suspension, ``until`` its end (the next
    reinstatement) or NULL while it lasts."""
    c, later = AgencyStatusChange, aliased(AgencyStatusChange)
    until = (
        select(func.min(later.changed_at))
        .where(
            later.agency_id == c.agency_id,
            later.status == AgencyStatus.ACTIVE,
            later.changed_at > c.changed_at,
        )
        .correlate(c)
        .scalar_subquery()
    )
    return (
        select(
            c.id.label("id"),
            c.agency_id.label("agency_id"),
            c.changed_at.label("since"),
            until.label("until"),
        )
        .where(c.status == AgencyStatus.SUSPENDED)
        .subquery("suspensions")
    )


def _first_overlapping(agency_id: Any, starts: Any, ends: Any | None, outer: Any) -> Any:
    """The first suspension of the agency in force at some instant of [starts, ends), or
    at the instant ``starts`` when ``ends`` is None."""
    sp = suspensions()
    began = sp.c.since <= starts if ends is None else sp.c.since < ends
    return (
        select(func.min(sp.c.id))
        .where(
            sp.c.agency_id == agency_id,
            began,
            or_(sp.c.until.is_(None), sp.c.until > starts),
        )
        .correlate(outer)
        .scalar_subquery()
    )


def _state(suspension: Any) -> Any:
    return case(
        (suspension.is_not(None), label(FindingState.OVERDUE)), else_=label(FindingState.MET)
    )


def agency_work_rule(query: FindingQuery, scope: RowScope) -> Select[Any]:
    """R-7.1-staff: no service planned for a day its agency was suspended on."""
    s = ServiceRecord
    day_starts, day_ends = begins(s.planned_on), begins(s.planned_on, 1)
    suspension = _first_overlapping(s.agency_id, day_starts, day_ends, s)
    return (
        select(
            *row(
                FindingRule.AGENCY_WORK,
                subject_id=s.id,
                insurer_id=s.insurer_id,
                unit_id=s.unit_id,
                event_at=day_starts,
                done_at=None,
                due_ends=day_ends,
                measured=s.agency_id,
                flagged=suspension,
                missing=flag_text(SUSPENDED_CODE, suspension.is_not(None)),
                state=_state(suspension),
            )
        )
        .select_from(s)
        .where(
            scope.where(s),
            s.agency_id.is_not(None),
            *narrowed(query, day_starts, s.insurer_id, s.unit_id),
        )
    )


def agency_scheme_rule(query: FindingQuery, scope: RowScope) -> Select[Any]:
    """R-7.1-staff: no scheme naming an agency agreed while the agency was suspended."""
    sc = ServiceScheme
    suspension = _first_overlapping(sc.agency_id, sc.agreed_at, None, sc)
    return (
        select(
            *row(
                FindingRule.AGENCY_SCHEME,
                subject_id=sc.id,
                insurer_id=sc.insurer_id,
                unit_id=sc.unit_id,
                event_at=sc.agreed_at,
                done_at=None,
                due_ends=day_begins(day_number(sc.agreed_at) + number(1)),
                measured=sc.agency_id,
                flagged=suspension,
                missing=flag_text(SUSPENDED_CODE, suspension.is_not(None)),
                state=_state(suspension),
            )
        )
        .select_from(sc)
        .where(
            scope.where(sc),
            sc.agency_id.is_not(None),
            *narrowed(query, sc.agreed_at, sc.insurer_id, sc.unit_id),
        )
    )
