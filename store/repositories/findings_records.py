"""Findings about one service: R-6.1-scheme (recorded against a scheme agreed before the
service began, with the fields of 3.4) and R-6.2-major-hazard (the unit told of a major
hazard the service found, in time when the ruleset sets a deadline)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Text, case, exists, func, literal_column, select

from store.models.hazard import Hazard
from store.models.scheme_item import SchemeItem
from store.models.service_record import ServiceRecord
from store.models.service_scheme import ServiceScheme
from store.repositories.base import RowScope
from store.repositories.findings_spec import FindingQuery, FindingRule, FindingState
from store.repositories.findings_sql import (
    day_begins,
    deadline_state,
    flag_text,
    label,
    narrowed,
    row,
)
from store.repositories.stats.sql import day_number, number

# The text fields of 3.4 a scheme states (items and frequency are its ``scheme_item`` rows).
SCHEME_TEXTS = (
    "time_limits",
    "expected_effect",
    "guarantees",
    "liability_terms",
    "complaint_arbitration",
)


def _blank(value: Any) -> ColumnElement[bool]:
    return func.coalesce(func.trim(value), literal_column("''", Text())) == literal_column(
        "''", Text()
    )


def _schemes(scope: RowScope) -> Any:
    """(id, agreed_at, gaps): the schemes the caller may read, each with the fields of 3.4 it
    lacks, worked out once per scheme (a scheme serves many services) and joined."""
    sc = ServiceScheme
    items = exists().where(SchemeItem.scheme_id == sc.id).correlate(sc)
    gaps: ColumnElement[str] = flag_text("items", ~items)
    for name in SCHEME_TEXTS:
        gaps = gaps + flag_text(name, _blank(getattr(sc, name)))
    return (
        select(sc.id.label("id"), sc.agreed_at.label("agreed_at"), gaps.label("gaps"))
        .where(scope.where(sc))
        .subquery("schemes")
    )


def scheme_rule(query: FindingQuery, scope: RowScope) -> Select[Any]:
    """R-6.1-scheme: a service that began (or was completed) names a scheme the caller may
    read, agreed before the service began, with items and the fields of 3.4."""
    s, sc = ServiceRecord, _schemes(scope)
    began = func.coalesce(s.started_at, s.completed_at)
    none = literal_column("''", Text())
    missing = case((sc.c.id.is_(None), literal_column("'scheme,'", Text())), else_=sc.c.gaps)
    state = case(
        (sc.c.id.is_(None), label(FindingState.OVERDUE)),
        (sc.c.agreed_at > began, label(FindingState.LATE)),
        (sc.c.gaps != none, label(FindingState.OVERDUE)),
        else_=label(FindingState.MET),
    )
    return (
        select(
            *row(
                FindingRule.SCHEME,
                subject_id=s.id,
                insurer_id=s.insurer_id,
                unit_id=s.unit_id,
                event_at=began,
                done_at=sc.c.agreed_at,
                # Due by the day it began (the state compares the instants themselves).
                due_ends=day_begins(day_number(began) + number(1)),
                missing=missing,
                state=state,
            )
        )
        .select_from(s)
        .outerjoin(sc, sc.c.id == s.scheme_id)
        .where(
            scope.where(s),
            began.is_not(None),
            *narrowed(query, began, s.insurer_id, s.unit_id),
        )
    )


def major_hazard_rule(query: FindingQuery, scope: RowScope) -> Select[Any]:
    """R-6.2-major-hazard: every major hazard found records when the unit was told. With no
    deadline in the ruleset (the draft's 及时), told is met and untold overdue from the day it
    was found; with ``told_within_days``, the telling is measured against that day's end.
    Regulators of the region need no telling recorded: the hazard is in their scope as soon
    as it is written (policies: regulator, hazard, read, jurisdiction)."""
    h, s = Hazard, ServiceRecord
    days = query.params.hazard_told_days
    due: Any
    state: ColumnElement[str]
    if days is None:
        due = None
        state = case(
            (h.told_at.is_not(None), label(FindingState.MET)), else_=label(FindingState.OVERDUE)
        )
    else:
        # The due day is the N-th calendar day after the day it was found, in China.
        due = day_begins(day_number(h.found_at) + number(days + 1))
        state = deadline_state(h.told_at, due)
    return (
        select(
            *row(
                FindingRule.MAJOR_HAZARD,
                subject_id=h.id,
                insurer_id=s.insurer_id,
                unit_id=s.unit_id,
                event_at=h.found_at,
                done_at=h.told_at,
                due_ends=due,
                state=state,
            )
        )
        .select_from(h)
        # The hazard's own service names its insurer and unit (its scope is the service's).
        .join(s, s.id == h.service_record_id)
        .where(
            scope.where(h),
            h.is_major.is_(True),
            *narrowed(query, h.found_at, s.insurer_id, s.unit_id),
        )
    )
