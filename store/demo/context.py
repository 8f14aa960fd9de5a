"""Shared state of one generation run: the random source, id counters, and what later
tables need to know about earlier rows (insurers, agencies, staff, per-year tallies)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from store.demo.clock import Calendar
from store.demo.columns import COLUMNS
from store.demo.identity import CreditCodes
from store.demo.scale import ScaleSpec

Row = tuple[object, ...]
# An improvement measure found along the way, before its row is written:
# (insurer id, source, evaluation id, complaint id, follow-up id, day found).
PendingMeasure = tuple[int, str, int | None, int | None, int | None, int]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Rows of one table, each a tuple in the order of ``columns``."""

    table: str
    columns: tuple[str, ...]
    rows: list[Row]


def chunk(table: str, rows: list[Row]) -> Chunk:
    return Chunk(table, COLUMNS[table], rows)


class Ids:
    """Explicit ids per table, 1, 2, 3 … so that children can name their parents at once."""

    def __init__(self) -> None:
        self._last: dict[str, int] = defaultdict(int)

    def next(self, table: str) -> int:
        self._last[table] += 1
        return self._last[table]


@dataclass(slots=True)
class Leaf:
    """A region companies register in, with what names and addresses need."""

    code: str
    province: str  # two-digit prefix, for the branch and the local staff
    city_code: str | None
    place: str  # 广州, 济源 … for company names
    address_prefix: str  # 广东省广州市天河区


@dataclass(slots=True)
class InsurerInfo:
    id: int
    code: str
    name: str
    province_branch: dict[str, int] = field(default_factory=dict)
    city_branch: dict[str, int] = field(default_factory=dict)
    experts: dict[str, list[int]] = field(default_factory=dict)  # by province
    managers: dict[str, list[int]] = field(default_factory=dict)


@dataclass(slots=True)
class AgencyInfo:
    id: int
    name: str
    kind: str
    province: str
    suspended_day: int | None  # R-7.1-staff: no new work from this day on
    staff: list[int] = field(default_factory=list)


# Per (insurer id, calendar year): the indicators an annual evaluation publishes.
UNITS, SERVICES, SATISFIED, FOLLOW_UPS, COMPLAINTS, ON_TIME, INCOME, SPENT = range(8)


@dataclass(slots=True)
class World:
    rng: random.Random
    spec: ScaleSpec
    cal: Calendar
    ids: Ids
    codes: CreditCodes
    leaves: list[Leaf] = field(default_factory=list)
    insurers: list[InsurerInfo] = field(default_factory=list)
    agencies: list[AgencyInfo] = field(default_factory=list)
    agencies_by_province: dict[str, list[AgencyInfo]] = field(default_factory=dict)
    # agency_status_change rows (R-7.1-staff), written after the principals they may name.
    agency_history: list[Row] = field(default_factory=list)
    # Tallies in ints (counts, fen) for speed; see the index names above.
    tallies: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    # Improvement measures found along the way (follow-ups, complaints); written at the end,
    # after the evaluations they sit beside. Rows without their id yet.
    measures: list[PendingMeasure] = field(default_factory=list)

    def tally(self, insurer_id: int, year: int) -> list[int]:
        key = (insurer_id, year)
        found = self.tallies.get(key)
        if found is None:
            found = self.tallies[key] = [0] * 8
        return found


class Batch:
    """Rows of one batch of units per table, emitted as chunks in a fixed table order."""

    def __init__(self, tables: tuple[str, ...]) -> None:
        self.order = tables
        self.rows: dict[str, list[Row]] = {t: [] for t in tables}

    def __getitem__(self, table: str) -> list[Row]:
        return self.rows[table]

    def chunks(self) -> Iterator[Chunk]:
        for table in self.order:
            if self.rows[table]:
                yield chunk(table, self.rows[table])
