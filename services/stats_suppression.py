"""Small-cell and complementary suppression of the public's aggregates (issue 7, DESIGN
"Roles and scopes").

The public portal shows ``stats`` to anyone. A group that counts only a few insured units
would let a reader single those units out (one unit in a county, one insurer: its services,
its complaints, its fees), so whenever the public role is among the caller's grants a group
counting fewer than the configured number of units (``ANZEXIAN_PUBLIC_MIN_CELL_UNITS``) is
left out of the answer entirely: no figure of it is returned, not even a zero. Other callers
keep every cell (``services.stats.keep_every_cell``); the stats resolver chooses.

Complementary suppression (the subtraction attack)
    Leaving out small groups alone is not enough. A reader may also ask for the coarser
    grouping (the total, for a grouping by one dimension) and subtract the groups shown:
    when exactly one group was left out, the difference is its figures. Every grouping is
    therefore read as *lines*: for each dimension grouped by, the groups that share every
    other key (by REGION: the whole list, whose sum is the total; by REGION and INSURER: one
    insurer's regions, and one region's insurers). A line holding a dropped group must hold
    at least two, together counting at least the threshold in units, so that the difference
    a reader can form is a sum that singles out no unit; the line's smallest groups shown are
    dropped too (by units, ties in the statement's order) until it does, or until the whole
    line is dropped. Dropping in one line can leave another with a single one, so the lines
    are visited again until none changes (it ends: groups are only ever dropped).

What it does not close
    ``unitsCovered`` is distinct per group, so over INSURER, YEAR, MONTH or CATEGORY groups
    the units of the dropped groups are summed as an upper bound. Differences between two
    calls with different filters (one range against a range a day longer, one region against
    the region grouping of its parent) are not tracked across calls: each answer is made
    safe on its own, against its own coarser groupings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from services.stats_report import StatsGroup
from store.repositories.stats import Dimension

# The default threshold in insured units per group: the order of magnitude statistical
# offices use for business counts (a dominance rule needs the figures per unit, which the
# public never sees). A deployment sets its own (server/settings.py).
DEFAULT_MIN_CELL_UNITS = 10

# A group's key on each dimension.
KEY: dict[Dimension, Callable[[StatsGroup], Hashable]] = {
    Dimension.REGION: lambda g: g.region.code if g.region is not None else None,
    Dimension.INDUSTRY: lambda g: g.industry.key if g.industry is not None else None,
    Dimension.INSURER: lambda g: g.insurer.key if g.insurer is not None else None,
    Dimension.YEAR: lambda g: g.year,
    Dimension.MONTH: lambda g: g.month,
    Dimension.CATEGORY: lambda g: g.category,
}


def lines(groups: tuple[StatsGroup, ...], dimensions: tuple[Dimension, ...]) -> list[list[int]]:
    """The groups (by position) of every line: for each dimension, those sharing all the
    other keys. With no dimension there is one group and no line to subtract from."""
    found: list[list[int]] = []
    for varying in dimensions:
        others = [KEY[d] for d in dimensions if d != varying]
        by_rest: dict[tuple[Hashable, ...], list[int]] = defaultdict(list)
        for i, g in enumerate(groups):
            by_rest[tuple(key(g) for key in others)].append(i)
        found.extend(by_rest.values())
    return found


def complementary(
    groups: tuple[StatsGroup, ...],
    dropped: set[int],
    dimensions: tuple[Dimension, ...],
    min_units: int,
) -> set[int]:
    """``dropped`` and the groups to drop beside them so that no line gives one away."""
    hidden = set(dropped)
    every_line = lines(groups, dimensions)
    changed = True
    while changed:
        changed = False
        for line in every_line:
            out = [i for i in line if i in hidden]
            if not out:
                continue
            shown = sorted(
                (i for i in line if i not in hidden), key=lambda i: (groups[i].units_covered, i)
            )
            units = sum(groups[i].units_covered for i in out)
            while shown and (len(out) < 2 or units < min_units):
                extra = shown.pop(0)
                hidden.add(extra)
                out.append(extra)
                units += groups[extra].units_covered
                changed = True
    return hidden


@dataclass(frozen=True, slots=True)
class SmallCells:
    """Drop every group that counts fewer than ``min_units`` distinct units, and the groups
    that complementary suppression then drops beside them."""

    min_units: int

    def __call__(
        self, groups: tuple[StatsGroup, ...], dimensions: tuple[Dimension, ...]
    ) -> tuple[StatsGroup, ...]:
        small = {i for i, g in enumerate(groups) if g.units_covered < self.min_units}
        hidden = complementary(groups, small, dimensions, self.min_units)
        return tuple(g for i, g in enumerate(groups) if i not in hidden)
