"""Where the policies lie, when grouping by YEAR over an open range: the years a policy is
spread over (``coverage.py``) come from their span."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select

from store.models.insurance_policy import InsurancePolicy
from store.repositories.base import RowScope
from store.repositories.stats.spec import StatsSpec


def policy_span_statement(spec: StatsSpec, scope: RowScope) -> Select[date, date]:
    """Earliest start and latest end of the policies inside the scope that overlap the range.
    Other filters are left out: the years only have to be enough, not tight."""
    p, f = InsurancePolicy, spec.filter
    in_range = [scope.where(p)]
    if f.to_day is not None:
        in_range.append(p.period_start < f.to_day)
    if f.from_day is not None:
        in_range.append(p.period_end > f.from_day)
    return select(
        func.min(p.period_start).label("first_day"), func.max(p.period_end).label("end")
    ).where(*in_range)
