"""Follow-up satisfaction (R-6.3-followup): every visit's score 1..5. Event time: the visit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, func, select

from store.models.follow_up import FollowUp
from store.models.service_record import ServiceRecord
from store.repositories.stats.context import Build
from store.repositories.stats.sql import count_if, local_day, number


def satisfaction(build: Build) -> Select[Any]:
    f, s = FollowUp, ServiceRecord
    columns: list[SQLColumnExpression[Any]] = [s.unit_id, s.insurer_id, s.category, f.satisfaction]
    columns += build.periods(local_day(f.visited_at))
    rows = (
        select(*columns, *build.unit_keys())
        .select_from(build.source(s, s.unit_id))
        .join_from(s, f, f.service_record_id == s.id)
        .where(
            *build.where(s, s.unit_id),
            *build.where_child(f, f.service_record_id, s),
            *build.during(f.visited_at),
            *build.insurer_in(s.insurer_id),
            *build.category_in(s.category),
        )
        .subquery("visits")
    )
    measures: dict[str, ColumnElement[Any]] = {
        "satisfaction_responses": func.count(),
        "satisfaction_sum": func.sum(rows.c.satisfaction),
    }
    for score in range(1, 6):
        measures[f"satisfaction_{score}"] = count_if(rows.c.satisfaction == number(score))
    return build.grouped(rows, measures)
