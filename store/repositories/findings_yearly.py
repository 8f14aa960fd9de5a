"""An insurer's yearly duties: R-7.1-staff (each management staff member trained at least N
times a calendar year), R-8.1-evaluation (a report on each year it held policies, by an allowed
method, with every section written) and R-8.2-publication (that report submitted to the
emergency-management department and its results published in time).

The years are those of the query (``FindingQuery.years``), as a VALUES table; the subject of a
yearly finding is the staff member or the insurer, its clock starts when the year begins.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    true,
)

from store.enums import StaffKind
from store.models.annual_evaluation import AnnualEvaluation
from store.models.insurance_policy import InsurancePolicy
from store.models.insurer import Insurer
from store.models.staff_member import StaffMember
from store.models.staff_training import StaffTraining
from store.repositories.base import RowScope
from store.repositories.findings_spec import FindingQuery, FindingRule, FindingState
from store.repositories.findings_sql import (
    deadline_state,
    flag_text,
    label,
    narrowed,
    reached_state,
    row,
    soon,
    years_table,
)
from store.repositories.stats.deadlines import today
from store.repositories.stats.sql import number


def years_of(query: FindingQuery) -> Any:
    """The years table of the statement (one per statement, shared by the yearly rules)."""
    params = query.params
    return years_table(query.years, params.submit_days, params.publish_days)


def staff_rule(query: FindingQuery, scope: RowScope, y: Any) -> Select[Any]:
    """R-7.1-staff: the insurer's active management staff, each year from the one they were
    hired in (every year of the range when the hiring day is not recorded)."""
    m, t = StaffMember, StaffTraining
    trained = (
        select(func.count())
        .select_from(t)
        .where(t.staff_id == m.id, scope.where(t), t.trained_on >= y.c.d_start)
        .where(t.trained_on < y.c.d_end)
        .correlate(m, y)
        .scalar_subquery()
    )
    per_year = number(query.params.trainings_per_year)
    return (
        select(
            *row(
                FindingRule.STAFF,
                subject_id=m.id,
                insurer_id=m.insurer_id,
                unit_id=None,
                event_at=y.c.y_start,
                done_at=None,
                due_ends=y.c.y_end,
                measured=trained,
                required=per_year,
                state=reached_state(trained >= per_year, y.c.y_end),
            )
        )
        .select_from(m)
        .join(y, or_(m.hired_on.is_(None), m.hired_on < y.c.d_end))
        .where(
            scope.where(m),
            m.kind == StaffKind.MANAGEMENT,
            m.insurer_id.is_not(None),
            m.active.is_(True),
            *narrowed(query, y.c.y_start, m.insurer_id, None),
        )
    )


def _insurer_years(query: FindingQuery, scope: RowScope, y: Any) -> tuple[Any, Any, Select[Any]]:
    """The insurers the caller may read, with each year one of their policies the caller may
    read was in force (a provincial regulator: the insurers working in its province)."""
    i, p = Insurer, InsurancePolicy
    held = (
        select(p.id)
        .where(
            p.insurer_id == i.id,
            scope.where(p),
            p.period_start < y.c.d_end,
            p.period_end > y.c.d_start,
        )
        .correlate(i, y)
        .exists()
    )
    base = (
        select()
        .select_from(i)
        .join(y, true())
        .where(scope.where(i), held, *narrowed(query, y.c.y_start, i.id, None))
    )
    return i, y, base


def evaluation_rule(query: FindingQuery, scope: RowScope, y: Any) -> Select[Any]:
    """R-8.1-evaluation: the first version with every section of the ruleset written, by one
    of its methods, counts; due when the report must be submitted (R-8.2-publication)."""
    i, y, base = _insurer_years(query, scope, y)
    e, params = AnnualEvaluation, query.params
    written = [
        func.coalesce(func.trim(getattr(e, name)), literal_column("''", Text()))
        != literal_column("''", Text())
        for name in params.evaluation_sections
        if hasattr(e, name)
    ]
    done = (
        select(func.min(e.created_at))
        .where(
            e.insurer_id == i.id,
            e.year == y.c.y,
            scope.where(e),
            e.method.in_(params.evaluation_methods),
            *written,
        )
        .correlate(i, y)
        .scalar_subquery()
    )
    unknown = [name for name in params.evaluation_sections if not hasattr(e, name)]
    return base.add_columns(
        *row(
            FindingRule.EVALUATION,
            subject_id=i.id,
            insurer_id=i.id,
            unit_id=None,
            event_at=y.c.y_start,
            done_at=done,
            due_ends=y.c.submit_due,
            unverifiable=literal_column(f"'{','.join(unknown)}'", Text()) if unknown else None,
            state=deadline_state(done, y.c.submit_due),
        )
    )


def publication_rule(query: FindingQuery, scope: RowScope, y: Any) -> Select[Any]:
    """R-8.2-publication: the year's report submitted, and its results published, each by its
    due day; done when both are (the later of the two)."""
    i, y, base = _insurer_years(query, scope, y)
    e = AnnualEvaluation

    def first(column: Any) -> Any:
        return (
            select(func.min(column))
            .where(e.insurer_id == i.id, e.year == y.c.y, scope.where(e))
            .correlate(i, y)
            .scalar_subquery()
        )

    submitted, published = first(e.submitted_at), first(e.published_at)
    sub_due, pub_due = y.c.submit_due, y.c.publish_due
    both = and_(submitted.is_not(None), published.is_not(None))

    def open_by(limit: Any) -> ColumnElement[bool]:
        return or_(
            and_(submitted.is_(None), sub_due <= limit),
            and_(published.is_(None), pub_due <= limit),
        )

    state = case(
        (and_(both, submitted < sub_due, published < pub_due), label(FindingState.MET)),
        (both, label(FindingState.LATE)),
        (open_by(today()), label(FindingState.OVERDUE)),
        (open_by(soon()), label(FindingState.DUE_SOON)),
        else_=label(FindingState.PENDING),
    )
    missing = flag_text("submission", submitted.is_(None)) + flag_text(
        "publication", published.is_(None)
    )
    return base.add_columns(
        *row(
            FindingRule.PUBLICATION,
            subject_id=i.id,
            insurer_id=i.id,
            unit_id=None,
            event_at=y.c.y_start,
            done_at=case((both & (submitted > published), submitted), (both, published)),
            due_ends=pub_due,
            missing=missing,
            state=state,
        )
    )
