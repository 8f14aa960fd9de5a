"""The two data set sizes: ``demo`` (seconds on SQLite) and ``bench`` (a million services)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ScaleName = Literal["demo", "bench"]


@dataclass(frozen=True, slots=True)
class ScaleSpec:
    name: ScaleName
    units: int
    insurers: int  # the first n of the insurer list
    agencies: int
    # Two-digit province prefixes units are spread over; ``None`` means all 31.
    provinces: tuple[str, ...] | None
    experts_per_branch: int  # per insurer and province
    managers_per_branch: int
    unit_batch: int  # units generated (and written) together; bounds memory
    complaint_rate: float  # share of units that file a complaint


DEMO = ScaleSpec(
    name="demo",
    units=300,
    insurers=6,
    agencies=24,
    # Guangdong for the demo regulators, and provinces whose hierarchy is not in the digits:
    # 419001 济源市, 429004 仙桃市, 469xxx (Hainan), 5002xx (Chongqing 县), 659xxx (Xinjiang).
    provinces=("11", "14", "41", "42", "44", "46", "50", "65"),
    experts_per_branch=3,
    managers_per_branch=2,
    unit_batch=100,
    complaint_rate=0.12,
)

BENCH = ScaleSpec(
    name="bench",
    units=100_000,
    insurers=8,
    agencies=1_500,
    provinces=None,
    experts_per_branch=6,
    managers_per_branch=2,
    unit_batch=2_000,
    complaint_rate=0.03,
)

SCALES: dict[ScaleName, ScaleSpec] = {"demo": DEMO, "bench": BENCH}

# The first units are pinned here, so every data set has units under the odd parents and in
# Guangzhou (the demo unit and the city regulator's jurisdiction).
FEATURED_LEAVES = ("440106", "419001", "429004", "469024", "659001", "500229", "110101", "441900")
