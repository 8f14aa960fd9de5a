"""Major hazards (R-6.2-major-hazard): found, and the unit told. Event time: the finding."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, SQLColumnExpression, func, select

from store.models.hazard import Hazard
from store.models.service_record import ServiceRecord
from store.repositories.stats.context import Build
from store.repositories.stats.sql import local_day


def major_hazards(build: Build) -> Select[Any]:
    h, s = Hazard, ServiceRecord
    columns: list[SQLColumnExpression[Any]] = [s.unit_id, s.insurer_id, s.category, h.told_at]
    columns += build.periods(local_day(h.found_at))
    rows = (
        select(*columns, *build.unit_keys())
        .select_from(build.source(s, s.unit_id))
        .join_from(s, h, h.service_record_id == s.id)
        .where(
            *build.where(s, s.unit_id),
            *build.where_child(h, h.service_record_id, s),
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
