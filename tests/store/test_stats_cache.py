"""Built stats statements kept per process (store/repositories/stats/cache.py): reused for the
same question under equal scope conditions, never across different ones."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, inspect, true

from services.stats import StatsFilterInput, StatsInput, validate
from services.working_days import due_calendar
from store.repositories.base import EVERYTHING
from store.repositories.stats import Dimension, StatsSpec
from store.repositories.stats.cache import READ, StatementCache, scope_key
from store.repositories.stats.statement import stats_statement


@dataclass
class Recording:
    """Everything visible; remembers which tables it was asked about."""

    models: set[type[Any]] = field(default_factory=set)

    def where(self, entity: Any) -> ColumnElement[bool]:
        self.models.add(inspect(entity).mapper.class_)
        return true()


@dataclass
class OtherInsurers:
    """Hides one insurer's rows, as an insurer's own scope hides the others'."""

    insurer_id: int

    def where(self, entity: Any) -> ColumnElement[bool]:
        if hasattr(entity, "insurer_id"):
            return entity.insurer_id != self.insurer_id  # type: ignore[no-any-return]
        return true()


def _spec(**filters: Any) -> StatsSpec:
    f = StatsFilterInput(**filters)
    spec = validate(StatsInput(group_by=tuple(Dimension), filter=f))
    calendar = due_calendar(spec.deadlines, f.date_from, None)
    return replace(spec, calendar=calendar, as_of=date(2025, 1, 3))


def test_the_key_asks_every_table_a_statement_reads() -> None:
    spec = _spec(region="440000", high_risk_only=True, date_from=date(2024, 1, 1))
    built, keyed = Recording(), Recording()
    stats_statement(spec, built, "postgresql")
    scope_key(keyed)
    assert built.models == set(READ) == keyed.models


def test_the_same_question_reuses_the_statement() -> None:
    cache, spec = StatementCache(), _spec(date_from=date(2024, 1, 1))
    built: list[int] = []

    def build() -> Any:
        built.append(1)
        return stats_statement(spec, EVERYTHING, "sqlite")

    first = cache.statement(spec, EVERYTHING, "sqlite", build)
    tomorrow = replace(spec, as_of=date(2025, 1, 4))  # bound at execution, not built in
    assert cache.statement(tomorrow, EVERYTHING, "sqlite", build) is first
    assert cache.statement(spec, OtherInsurers(7), "sqlite", build) is not first
    assert cache.statement(spec, OtherInsurers(8), "sqlite", build) is not first
    assert cache.statement(spec, EVERYTHING, "postgresql", build) is not first
    other = _spec(date_from=date(2024, 2, 1))
    assert cache.statement(other, EVERYTHING, "sqlite", build) is not first
    assert len(built) == 5


def _fresh() -> Any:
    return object()  # a stand-in statement: only its identity matters here


def test_it_keeps_the_last_few() -> None:
    cache = StatementCache(size=2)
    specs = [_spec(date_from=date(2024, month, 1)) for month in (1, 2, 3)]
    kept = [cache.statement(s, EVERYTHING, "sqlite", _fresh) for s in specs]
    assert cache.statement(specs[2], EVERYTHING, "sqlite", _fresh) is kept[2]
    assert cache.statement(specs[0], EVERYTHING, "sqlite", _fresh) is not kept[0]
