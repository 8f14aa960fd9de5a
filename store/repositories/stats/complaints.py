"""Complaints (R-6.4-complaint): answered, and answered within N working days of filing, or
within the longer limit when further verification is needed. Event time: the filing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, case, func, select

from store.models.complaint import Complaint
from store.repositories.stats.context import Build
from store.repositories.stats.deadlines import due_on, outcome_counts
from store.repositories.stats.sql import count_if, local_day, no_category, year_of


def complaints(build: Build) -> Select[Any]:
    c, cal, deadlines, as_of = Complaint, build.calendar, build.spec.deadlines, build.spec.as_of
    filed, start, due = local_day(c.filed_at), cal.alias("filed_day"), cal.alias("answer_due")
    limit = case(
        (c.needs_verification.is_(True), build.days(deadlines.complaint_verified)),
        else_=build.days(deadlines.complaint),
    )
    columns: list[SQLColumnExpression[Any]] = [
        c.unit_id,
        c.insurer_id,
        no_category().label("category"),
        c.needs_verification.label("verify"),
        c.answered_at,
        due.c.day.label("due"),
        due.c.ends.label("ends"),
    ]
    if build.by_year:
        columns.append(year_of(filed).label("year"))
    rows = (
        select(*columns)
        .select_from(c)
        .outerjoin(start, start.c.day == filed)
        .outerjoin(due, due_on(due, start, limit))
        .where(build.scope.where(c), *build.during(c.filed_at), *build.insurer_in(c.insurer_id))
        .subquery("complaint_rows")
    )
    r = rows.c
    verify = r.verify.is_(True)
    measures: dict[str, ColumnElement[Any]] = {
        "complaints_filed": func.count(),
        "complaints_answered": func.count(r.answered_at),
        "complaints_verification": count_if(verify),
    }
    # The two limits are reported apart: "answer" (5 working days in the draft) and
    # "verified_answer" (10, when further verification is needed).
    measures |= outcome_counts("answer", r.due, r.ends, r.answered_at, as_of, among=~verify)
    measures |= outcome_counts("verified_answer", r.due, r.ends, r.answered_at, as_of, among=verify)
    return build.grouped(rows, measures)
