"""Dashboard aggregates (issue 3, item 3) computed in SQL: one statement per stats call (two
only when grouping by YEAR or MONTH over an open range: the policies' span first, see ``services/
stats.py``), on PostgreSQL after a plan setting (``repository.py``); one more when the query
selects the groups' compliance (``compliance.py``: the findings' union, grouped alike).

The statement is a UNION ALL of measure families (coverage, services, satisfaction, major
hazards, complaints, ledger), each reading its rows from the filtered units on (``Build.
source``), grouped by the requested dimensions, then summed per group. The rules' day counts
and the working-day calendar come in with the ``StatsSpec``. Every table read carries
``scope.where`` for it, unless the join it is read through provably enforces the same
condition (``implied.py``). Built statements are kept per process (``cache.py``).
"""

from store.repositories.stats.repository import StatsRepository
from store.repositories.stats.spec import (
    MEASURES,
    NO_CALENDAR,
    DeadlineDays,
    Dimension,
    DueCalendar,
    MonthSpan,
    Outcome,
    PolicySpan,
    StatsFilter,
    StatsRow,
    StatsSpec,
    YearSpan,
    month_key,
)

__all__ = [
    "MEASURES",
    "NO_CALENDAR",
    "DeadlineDays",
    "Dimension",
    "DueCalendar",
    "MonthSpan",
    "Outcome",
    "PolicySpan",
    "StatsFilter",
    "StatsRepository",
    "StatsRow",
    "StatsSpec",
    "YearSpan",
    "month_key",
]
