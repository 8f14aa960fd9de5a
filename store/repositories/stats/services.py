"""Completed services: delivered by category, follow-up on time (R-6.3-followup), organised
on time and confirmed by the unit (R-6.3-archive). Event time: the completion."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    Subquery,
    and_,
    case,
    func,
    or_,
    select,
)

from store.enums import ConfirmationDecision, ServiceCategory
from store.models.follow_up import FollowUp
from store.models.service_record import ServiceRecord
from store.models.unit_confirmation import UnitConfirmation
from store.repositories.stats.context import Build
from store.repositories.stats.deadlines import outcome_counts
from store.repositories.stats.implied import same_unit
from store.repositories.stats.sql import count_if, local_day


def _latest(
    decision: ConfirmationDecision, visible: ColumnElement[bool] | None
) -> ColumnElement[int]:
    """The id of the record's latest decision of that kind (``visible`` ones, if given).
    Nested, so that ``visible`` is asked of decisions alone (an AND would ask it of a
    record's missing one too, NULL, and run its subquery for that)."""
    uc = UnitConfirmation
    if visible is None:
        return func.max(case((uc.decision == decision, uc.id)))
    return func.max(case((uc.decision == decision, case((visible, uc.id)))))


def _decisions(build: Build) -> tuple[ColumnElement[bool], ColumnElement[bool] | None]:
    """How the record's decisions are joined, and the test left for the ones found."""
    s, uc, scope = ServiceRecord, UnitConfirmation, build.scope
    if same_unit(scope, uc, s):
        # A decision of the record's own unit is visible with the record (implied.py). One
        # of another unit (inconsistent, not impossible) is tested on the decisions found,
        # so the join stays an index lookup per record, as in the hand-written SQL; with the
        # test in the join PostgreSQL hashed every decision of the country to apply it.
        return uc.service_record_id == s.id, or_(uc.unit_id == s.unit_id, scope.where(uc))
    return and_(uc.service_record_id == s.id, scope.where(uc)), None


def _per_record(build: Build) -> Subquery:
    """One row per completed record with its first follow-up and latest decisions. Grouped,
    so each is computed once per record and the plan can join rather than probe per row."""
    s = ServiceRecord
    keys = (s.id, s.unit_id, s.insurer_id, s.category, s.completed_at, s.organised_at)
    decisions_joined, decision_visible = _decisions(build)
    return (
        select(
            *keys,
            # R-6.3-followup: the first visit is the one measured against the deadline.
            func.min(FollowUp.visited_at).label("first_visit"),
            # R-6.3-archive: decisions are append-only and the latest one counts: the record
            # is confirmed when its latest "confirmed" comes after any "disputed".
            _latest(ConfirmationDecision.CONFIRMED, decision_visible).label("confirmed_id"),
            _latest(ConfirmationDecision.DISPUTED, decision_visible).label("disputed_id"),
            *build.unit_keys(),
        )
        # The left side said outright: a scope's condition in the ON clause may mention other
        # tables, and the ORM must not have to guess which FROM the join starts from.
        .select_from(build.source(s, s.unit_id))
        .join_from(
            s,
            FollowUp,
            and_(
                FollowUp.service_record_id == s.id,
                *build.where_child(FollowUp, FollowUp.service_record_id, s),
            ),
            isouter=True,
        )
        .join_from(s, UnitConfirmation, decisions_joined, isouter=True)
        .where(
            *build.where(s, s.unit_id),
            s.completed_at.is_not(None),
            *build.during(s.completed_at),
            *build.insurer_in(s.insurer_id),
            *build.category_in(s.category),
        )
        .group_by(*keys, *build.unit_keys())
        .subquery("completed")
    )


def _rows(build: Build) -> Subquery:
    rec, cal = _per_record(build), build.calendar
    columns: list[SQLColumnExpression[Any]] = [
        rec.c.unit_id,
        rec.c.insurer_id,
        rec.c.category,
        rec.c.first_visit,
        rec.c.organised_at,
        cal.c.followup_ends,
        cal.c.archive_ends,
        rec.c.confirmed_id,
        rec.c.disputed_id,
        *build.unit_keys(rec),
    ]
    columns += build.periods(local_day(rec.c.completed_at))
    return (
        select(*columns)
        .select_from(rec)
        .outerjoin(cal, build.calendar_day(rec.c.completed_at))
        .subquery("service_rows")
    )


def services(build: Build) -> Select[Any]:
    rows = _rows(build)
    c = rows.c
    measures: dict[str, ColumnElement[Any]] = {"services": func.count()}
    for category in ServiceCategory:
        measures[f"services_{category.value}"] = count_if(c.category == category)
    # R-6.3-followup: first visit within N working days after completion.
    measures |= outcome_counts("followup", c.followup_ends, c.first_visit)
    # R-6.3-archive: organised within N working days after completion.
    measures |= outcome_counts("organised", c.archive_ends, c.organised_at)
    confirmed, disputed = c.confirmed_id, c.disputed_id
    measures["confirmed"] = count_if(
        confirmed.is_not(None) & (disputed.is_(None) | (confirmed > disputed))
    )
    measures["disputed"] = count_if(
        disputed.is_not(None) & (confirmed.is_(None) | (disputed > confirmed))
    )
    return build.grouped(rows, measures)
