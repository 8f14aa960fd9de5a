"""Complaints (R-6.4-complaint): answered, and answered within N working days of filing, or
within the longer limit when further verification is needed. Event time: the filing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, case, func, select

from store.models.complaint import Complaint
from store.repositories.stats.context import Build
from store.repositories.stats.deadlines import outcome_counts
from store.repositories.stats.sql import count_if, local_day, no_category


def complaints(build: Build) -> Select[Any]:
    c, cal = Complaint, build.calendar
    # R-6.4-complaint: the longer limit applies when further verification is needed.
    due_ends = case(
        (c.needs_verification.is_(True), cal.c.complaint_verified_ends),
        else_=cal.c.complaint_ends,
    )
    columns: list[SQLColumnExpression[Any]] = [
        c.unit_id,
        c.insurer_id,
        no_category().label("category"),
        c.needs_verification.label("verify"),
        c.answered_at,
        due_ends.label("ends"),
    ]
    columns += build.periods(local_day(c.filed_at))
    rows = (
        select(*columns, *build.unit_keys())
        .select_from(build.source(c, c.unit_id))
        .join_from(c, cal, build.calendar_day(c.filed_at), isouter=True)
        .where(
            *build.where(c, c.unit_id), *build.during(c.filed_at), *build.insurer_in(c.insurer_id)
        )
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
    measures |= outcome_counts("answer", r.ends, r.answered_at, among=~verify)
    measures |= outcome_counts("verified_answer", r.ends, r.answered_at, among=verify)
    return build.grouped(rows, measures)
