"""Where the events lie, when the range leaves it open: bounds the calendar CTE."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, SQLColumnExpression, func, null, select

from store.models.complaint import Complaint
from store.models.insurance_policy import InsurancePolicy
from store.models.service_record import ServiceRecord
from store.repositories.base import RowScope
from store.repositories.stats.context import Build
from store.repositories.stats.spec import StatsSpec


def bounds_statement(spec: StatsSpec, scope: RowScope, *, policies: bool) -> Select[Any]:
    """Earliest and latest completion or filing (and policy period when ``policies``) inside
    the scope and range: one statement of scalar subqueries. Other filters are left out: the
    calendar only has to be wide enough, not tight."""
    build = Build(spec, scope)
    s, c, p = ServiceRecord, Complaint, InsurancePolicy
    completed = [scope.where(s), s.completed_at.is_not(None), *build.during(s.completed_at)]
    filed = [scope.where(c), *build.during(c.filed_at)]
    columns: list[SQLColumnExpression[Any]] = [
        select(func.min(s.completed_at)).where(*completed).scalar_subquery().label("s_first"),
        select(func.max(s.completed_at)).where(*completed).scalar_subquery().label("s_last"),
        select(func.min(c.filed_at)).where(*filed).scalar_subquery().label("c_first"),
        select(func.max(c.filed_at)).where(*filed).scalar_subquery().label("c_last"),
    ]
    if policies:
        f = spec.filter
        in_range = [scope.where(p)]
        if f.to_day is not None:
            in_range.append(p.period_start < f.to_day)
        if f.from_day is not None:
            in_range.append(p.period_end > f.from_day)
        columns += [
            select(func.min(p.period_start)).where(*in_range).scalar_subquery().label("p_first"),
            select(func.max(p.period_end)).where(*in_range).scalar_subquery().label("p_end"),
        ]
    else:
        columns += [null().label("p_first"), null().label("p_end")]
    return select(*columns)
