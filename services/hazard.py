"""Hazards found by a service (隐患), checked as part of a service record (R-6.2-major-hazard).

A major hazard without ``told_at`` is stored: not telling the unit is a compliance finding
computed elsewhere, and refusing the record would hide exactly what regulators must see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.validation import Checker
from services.validation.workflow import LONG_TEXT
from store.models.hazard import Hazard


@dataclass(frozen=True, slots=True)
class HazardInput:
    description: str
    is_major: bool  # 重大事故隐患
    found_at: datetime
    told_at: datetime | None = None  # when the unit was told (R-6.2-major-hazard)
    rectified_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CleanHazard:
    """A validated hazard, ready to be written (ORM row or bulk parameters)."""

    description: str
    is_major: bool
    found_at: datetime
    told_at: datetime | None
    rectified_at: datetime | None

    def columns(self) -> dict[str, object]:
        """The ``hazard`` columns of this hazard (the record id is added by the writer)."""
        return {
            "description": self.description,
            "is_major": self.is_major,
            "found_at": self.found_at,
            "told_at": self.told_at,
            "rectified_at": self.rectified_at,
        }


def check_hazards(
    check: Checker,
    hazards: Sequence[HazardInput],
    started_at: datetime | None,
    *,
    start_given: bool,
) -> list[Hazard]:
    """Validate ``hazards[i]`` against the service's start; returns the rows to stage.

    ``started_at`` is the validated start of the service (``None`` when absent or refused);
    ``start_given`` tells the two apart, so a refused start is not reported twice.
    """
    return [
        Hazard(**h.columns())
        for h in validate_hazards(check, hazards, started_at, start_given=start_given)
    ]


def validate_hazards(
    check: Checker,
    hazards: Sequence[HazardInput],
    started_at: datetime | None,
    *,
    start_given: bool,
) -> list[CleanHazard]:
    """The checks of ``check_hazards`` without building ORM rows (shared with bulk upload)."""
    if hazards and not start_given:
        # Hazards are found while serving: a record holding some must say when it started.
        check.fail(
            "REQUIRED",
            "startedAt",
            "记录了隐患的服务必须填写开始时间",
            "a service that found hazards must say when it started",
        )
    rows: list[CleanHazard] = []
    for i, hazard in enumerate(hazards):
        at = f"hazards[{i}]"
        description = check.text(
            f"{at}.description", hazard.description, max_len=LONG_TEXT, multiline=True
        )
        found_at = check.aware(f"{at}.foundAt", hazard.found_at)
        told_at = check.aware(f"{at}.toldAt", hazard.told_at, required=False)
        rectified_at = check.aware(f"{at}.rectifiedAt", hazard.rectified_at, required=False)
        check.in_order("startedAt", started_at, f"{at}.foundAt", found_at)
        check.in_order(
            f"{at}.foundAt", found_at, f"{at}.toldAt", told_at, rule="R-6.2-major-hazard"
        )
        check.in_order(f"{at}.foundAt", found_at, f"{at}.rectifiedAt", rectified_at)
        if description is not None and found_at is not None:
            rows.append(
                CleanHazard(
                    description=description,
                    is_major=hazard.is_major,
                    found_at=found_at,
                    told_at=told_at,
                    rectified_at=rectified_at,
                )
            )
    return rows
