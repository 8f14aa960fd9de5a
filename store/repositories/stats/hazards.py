"""Major hazards (R-6.2-major-hazard): found, and the unit told. Event time: the finding."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, SQLColumnExpression, func, select

from store.models.hazard import Hazard
from store.models.service_record import ServiceRecord
from store.repositories.stats.context import Build
from store.repositories.stats.sql import local_day, year_of


def major_hazards(build: Build) -> Select[Any]:
    h, s, scope = Hazard, ServiceRecord, build.scope
    columns: list[SQLColumnExpression[Any]] = [s.unit_id, s.insurer_id, s.category, h.told_at]
    if build.by_year:
        columns.append(year_of(local_day(h.found_at)).label("year"))
    rows = (
        select(*columns)
        .select_from(h)
        .join(s, (s.id == h.service_record_id) & scope.where(s))
        .where(
            scope.where(h),
            h.is_major.is_(True),
            *build.during(h.found_at),
            *build.insurer_in(s.insurer_id),
            *build.category_in(s.category),
        )
        .subquery("major_hazards")
    )
    return build.grouped(
        rows,
        {"major_hazards_found": func.count(), "major_hazards_told": func.count(rows.c.told_at)},
    )
