"""Small-cell suppression of the public's aggregates (issue 7, DESIGN "Roles and scopes").

The public portal shows ``stats`` to anyone. A group that counts only a few insured units
would let a reader single those units out (one unit in a county, one insurer: its services,
its complaints, its fees), so whenever the public role is among the caller's grants a group
counting fewer than the configured number of units (``ANZEXIAN_PUBLIC_MIN_CELL_UNITS``) is
left out of the answer entirely: no figure of it is returned, not even a zero. Other callers
keep every cell (``services.stats.keep_every_cell``); the stats resolver chooses.

What it does not do: complementary suppression. A reader may ask for a total and subtract
the groups shown; when a single group of a grouping was dropped, that difference is its
figures. The portal asks only for groupings (no totals beside them); closing the gap for
good needs a second dropped cell per grouping, which is left to a later issue.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.stats_report import StatsGroup

# The default threshold in insured units per group: the order of magnitude statistical
# offices use for business counts (a dominance rule needs the figures per unit, which the
# public never sees). A deployment sets its own (server/settings.py).
DEFAULT_MIN_CELL_UNITS = 10


@dataclass(frozen=True, slots=True)
class SmallCells:
    """Drop every group that counts fewer than ``min_units`` distinct units."""

    min_units: int

    def __call__(self, groups: tuple[StatsGroup, ...]) -> tuple[StatsGroup, ...]:
        return tuple(g for g in groups if g.units_covered >= self.min_units)
