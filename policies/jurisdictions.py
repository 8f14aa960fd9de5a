"""Folding an identity's jurisdiction grants (管辖范围) into one region list per industry set.

A regulator of the whole country holds one grant per province (31: no region lies above them).
Compiled grant by grant, each is its own "unit inside this province" test, OR-ed with the
others: 31 semi-joins per row and table, where a province's regulator pays one (bench/
RESULTS.md, issue 6: 64 s for every finding of the country against 5 s for a province).
Grants that differ only in their region mean "the unit's region lies under one of these
codes", which is one condition on a region list: the same rows as the union of the grants,
by the closure table in SQL (policies/scope.py) and by a ``terms`` filter in search
(policies/search_filter.py). An industry set narrows its own grant only, so only grants with
the same set (order aside) fold together. Every other grant passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from policies.identity import RoleGrant
from policies.resources import ScopeKind


@dataclass(frozen=True, slots=True)
class Jurisdictions:
    """Units whose region lies at or below any of ``regions`` (and, when ``industry_codes``
    is not empty, whose industry is one of them)."""

    regions: tuple[str, ...]
    industry_codes: tuple[str, ...] = ()


GrantKind = tuple[RoleGrant, ScopeKind]
Part = GrantKind | Jurisdictions


def fold(grant_kinds: Iterable[GrantKind]) -> list[Part]:
    """``grant_kinds`` with every jurisdiction grant of one industry set merged into one
    ``Jurisdictions`` at the place of the first; repeated pairs (a grant's ``read`` and
    ``refer`` kinds may coincide) kept once. A jurisdiction grant without a region is kept
    as it is, so it still compiles to "denied" (scope.kind_condition)."""
    parts: list[Part | frozenset[str]] = []  # a frozenset marks where a fold will go
    regions: dict[frozenset[str], dict[str, None]] = {}  # insertion-ordered sets
    industries: dict[frozenset[str], tuple[str, ...]] = {}
    for grant, kind in grant_kinds:
        if kind is ScopeKind.JURISDICTION and grant.region_code is not None:
            key = frozenset(grant.industry_codes)
            if key not in regions:
                regions[key] = {}
                industries[key] = grant.industry_codes
                parts.append(key)
            regions[key][grant.region_code] = None
        elif (grant, kind) not in parts:
            parts.append((grant, kind))
    return [
        Jurisdictions(tuple(regions[part]), industries[part])
        if isinstance(part, frozenset)
        else part
        for part in parts
    ]
