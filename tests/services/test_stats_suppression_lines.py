"""Complementary suppression (services/stats_suppression.py) on groups built by hand: every
line of a grouping (the groups sharing all keys but one) holds no dropped group, or at least
two that together count at least the threshold in units."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.stats import DRAFT_RULES, StatsInput, validate
from services.stats_report import NamedKey, RegionKey, StatsGroup
from services.stats_suppression import SmallCells, lines
from store.repositories.stats import MEASURES, Dimension, StatsRow

D = Dimension
MIN = 10


def _group(region: str, units: int, insurer: int | None = None) -> StatsGroup:
    from services.stats import _group as as_group  # the service's own row-to-group mapping

    row = StatsRow(
        region_code=region,
        region_name=region,
        region_level=None,
        industry_code=None,
        industry_name=None,
        insurer_id=insurer,
        insurer_name=None,
        year=None,
        category=None,
        measures=dict.fromkeys(MEASURES, 0) | {"units_covered": units},
    )
    return as_group(row, DRAFT_RULES)


def _codes(groups: tuple[StatsGroup, ...]) -> list[str]:
    return [g.region.code for g in groups if g.region is not None]


def test_one_small_group_takes_the_next_smallest_with_it() -> None:
    groups = (_group("A", 40), _group("B", 8), _group("C", 25), _group("D", 12))
    kept = SmallCells(MIN)(groups, (D.REGION,))
    assert _codes(kept) == ["A", "C"]  # B small; D, the smallest shown, beside it


def test_two_small_groups_that_together_stay_small_take_a_third() -> None:
    groups = (_group("A", 40), _group("B", 3), _group("C", 4), _group("D", 30), _group("E", 20))
    assert _codes(SmallCells(MIN)(groups, (D.REGION,))) == ["A", "D"]


def test_enough_small_groups_need_no_complement() -> None:
    groups = (_group("A", 40), _group("B", 6), _group("C", 5), _group("D", 12))
    assert _codes(SmallCells(MIN)(groups, (D.REGION,))) == ["A", "D"]


def test_nothing_small_nothing_dropped() -> None:
    groups = (_group("A", 40), _group("B", 10))
    assert SmallCells(MIN)(groups, (D.REGION,)) == groups
    (total,) = (_group("A", 3),)
    assert SmallCells(MIN)((total,), ()) == ()  # the one group of no grouping, too small


def test_a_line_of_one_group_is_its_own_total() -> None:
    """A region with one insurer: the region's total is that group, dropped already when it
    is small; nothing else to drop in that line."""
    groups = (_group("A", 30, 1), _group("A", 25, 2), _group("B", 5, 1))
    kept = SmallCells(MIN)(groups, (D.REGION, D.INSURER))
    # Insurer 1's line (A, B): B dropped, so A/1 goes too; then region A's line (A/1, A/2)
    # has one dropped, so A/2 goes as well.
    assert kept == ()


def test_lines_of_two_dimensions() -> None:
    groups = (
        _group("A", 30, 1),
        _group("A", 30, 2),
        _group("B", 30, 1),
        _group("B", 30, 2),
        _group("B", 4, 3),
        _group("C", 30, 3),
        _group("C", 30, 1),
    )
    found = sorted(sorted(line) for line in lines(groups, (D.REGION, D.INSURER)))
    # by REGION (insurer fixed): {A1, B1, C1}, {A2, B2}, {B3, C3}; by INSURER: {A1, A2},
    # {B1, B2, B3}, {C3, C1}
    assert found == sorted([[0, 2, 6], [1, 3], [4, 5], [0, 1], [2, 3, 4], [5, 6]])
    kept = SmallCells(MIN)(groups, (D.REGION, D.INSURER))
    hidden = set(groups) - set(kept)
    for line in lines(groups, (D.REGION, D.INSURER)):
        out = [groups[i] for i in line if groups[i] in hidden]
        assert (
            not out
            or (len(out) >= 2 and sum(g.units_covered for g in out) >= MIN)
            or (len(out) == len(line))
        )


def test_validate_still_accepts_month() -> None:
    spec = validate(StatsInput(group_by=[D.MONTH]))
    assert spec.dimensions == (D.MONTH,) and replace(spec, as_of=date.min).months == ()


def test_keys_are_read_per_dimension() -> None:
    g = replace(_group("A", 1), insurer=NamedKey(7, "x"), region=RegionKey("A", None, None))
    assert lines((g,), (D.INSURER,)) == [[0]]
