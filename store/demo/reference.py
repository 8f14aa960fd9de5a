"""The committed reference data: GB/T 2260 regions and GB/T 4754 industries (``data/*.csv``)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from store.enums import HighRiskCategory, RegionLevel


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class IndustryRow:
    code: str
    name: str
    high_risk_category: HighRiskCategory | None


def _read(name: str) -> Iterator[dict[str, str]]:
    text = resources.files("store.demo").joinpath("data", name).read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


@cache
def regions() -> tuple[RegionRow, ...]:
    """Every region, sorted by code; the hierarchy is ``parent_code``, never the digits."""
    return tuple(
        RegionRow(
            code=row["code"],
            name=row["name"],
            level=RegionLevel(row["level"]),
            parent_code=row["parent_code"] or None,
        )
        for row in _read("regions.csv")
    )


@cache
def industries() -> tuple[IndustryRow, ...]:
    return tuple(
        IndustryRow(
            code=row["code"],
            name=row["name"],
            high_risk_category=HighRiskCategory(row["high_risk_category"])
            if row["high_risk_category"]
            else None,
        )
        for row in _read("industries.csv")
    )


def parents() -> dict[str, str | None]:
    return {r.code: r.parent_code for r in regions()}


def leaf_regions() -> list[RegionRow]:
    """Regions nothing hangs under (counties, and cities without counties such as 东莞市):
    where companies are registered."""
    has_children = {r.parent_code for r in regions() if r.parent_code is not None}
    return [r for r in regions() if r.code not in has_children]
