"""Rulesets as dated data (issue 6, item 1; DESIGN.md "Rules as data").

Every deadline, list and number of STANDARD.md is a parameter of a ruleset with an id, a
source and an effective date, read from the ``*.toml`` files beside this module:

- ``AQ9010-draft`` (the default): the seed text, seed/AQ9010-draft-zh.txt.
- ``AQ9010-2019``: the published standard's complaint deadlines (10 / 30 working days and an
  approved extension of at most 30 days), in force from 2020-02-01; the rest as the draft.

A deployment either pins one ruleset (``ANZEXIAN_RULESET=<id>``, the default pins the draft,
the text STANDARD.md restates) or leaves the setting empty and lets the date choose: the
ruleset in force on a day is the one with the latest ``effective_from`` on or before it. A day
before the first ruleset has no ruleset (``UnknownRuleset``): the rules were not in force then,
and applying the earliest would be a guess. Findings record the ``id`` of the ruleset that
produced them, so adding a ruleset never rewrites a past finding.
"""

from __future__ import annotations

import bisect
from datetime import date
from functools import cache
from pathlib import Path

from services.rulesets.loader import RulesetError, load_rulesets
from services.rulesets.model import (
    AnnualService,
    ArchiveOrganisation,
    Citation,
    ComplaintDeadlines,
    Evaluation,
    Extension,
    FollowUp,
    MajorHazard,
    Publication,
    Retention,
    Ruleset,
    StaffTraining,
)

__all__ = [
    "DEFAULT_RULESET",
    "AnnualService",
    "ArchiveOrganisation",
    "Citation",
    "ComplaintDeadlines",
    "Evaluation",
    "Extension",
    "FollowUp",
    "MajorHazard",
    "Publication",
    "Retention",
    "Ruleset",
    "RulesetError",
    "StaffTraining",
    "UnknownRuleset",
    "chosen",
    "load_rulesets",
    "ruleset",
    "ruleset_for",
    "rulesets",
]

DATA = Path(__file__).resolve().parent  # the *.toml files ship as package data (pyproject.toml)
DEFAULT_RULESET = "AQ9010-draft"  # the seed text, which STANDARD.md restates


class UnknownRuleset(LookupError):
    """No ruleset has that id, or none was in force on that day."""


@cache
def rulesets() -> tuple[Ruleset, ...]:
    """The shipped rulesets, ordered by ``effective_from`` (read and checked once)."""
    return load_rulesets(sorted(DATA.glob("*.toml")))


def ruleset(ruleset_id: str) -> Ruleset:
    for candidate in rulesets():
        if candidate.id == ruleset_id:
            return candidate
    known = ", ".join(candidate.id for candidate in rulesets())
    raise UnknownRuleset(f"no ruleset {ruleset_id!r} (known: {known})")


def ruleset_for(day: date) -> Ruleset:
    """The ruleset in force on ``day`` (a day in China): the latest effective on or before it."""
    shipped = rulesets()
    index = bisect.bisect_right([item.effective_from for item in shipped], day)
    if index == 0:
        raise UnknownRuleset(
            f"no ruleset in force on {day}: the first, {shipped[0].id}, "
            f"takes effect on {shipped[0].effective_from}"
        )
    return shipped[index - 1]


def chosen(pinned: str, day: date) -> Ruleset:
    """The deployment's choice (``Settings.ruleset``): the pinned id, or by date when empty."""
    return ruleset(pinned) if pinned else ruleset_for(day)
