"""Dashboard aggregates (issue 3, item 3) computed in SQL: one statement per stats call, plus
one to bound the calendar when the date range is open or long (``services/stats.py``).

The statement is a UNION ALL of measure families (coverage, services, satisfaction, major
hazards, complaints, ledger), each grouped by the requested dimensions, then summed per
group. The rules' day counts and the working-day calendar come in with the ``StatsSpec``;
every table read carries ``scope.where`` for it.
"""

from store.repositories.stats.repository import StatsRepository
from store.repositories.stats.spec import (
    MEASURES,
    CalendarDay,
    DeadlineDays,
    Dimension,
    EventBounds,
    Outcome,
    StatsFilter,
    StatsRow,
    StatsSpec,
    YearSpan,
)

__all__ = [
    "MEASURES",
    "CalendarDay",
    "DeadlineDays",
    "Dimension",
    "EventBounds",
    "Outcome",
    "StatsFilter",
    "StatsRepository",
    "StatsRow",
    "StatsSpec",
    "YearSpan",
]
