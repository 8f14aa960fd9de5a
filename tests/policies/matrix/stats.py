"""The oracle's statistics: what ``stats`` must count for a principal, summed in Python over
the rows its ``aggregate`` right covers (semantics as documented in services/stats.py)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from services.stats_suppression import DEFAULT_MIN_CELL_UNITS
from tests.policies.matrix.oracle import Oracle, Principal
from tests.policies.matrix.world import Row

MEASURES: tuple[str, ...] = (
    "unitsCovered",
    "services.delivered",
    "satisfaction.responses",
    "complaints.filed",
    "majorHazards.found",
    "fees.income",
    "fees.expenditure",
)
# What each measure counts, for the data file's readers (services/stats.py has the rules).
MEASURE_WHY: dict[str, str] = {
    "unitsCovered": "distinct units with a counted policy or completed service",
    "services.delivered": "counted service records with completed_at",
    "satisfaction.responses": "counted follow-ups of counted records",
    "complaints.filed": "counted complaints",
    "majorHazards.found": "counted major hazards of counted records",
    "fees.income": "counted allocations (and adjustments of them), yuan",
    "fees.expenditure": "counted expenditures (and adjustments of them), yuan",
}
LEVELS = ("province", "city", "county")  # from the top down


@dataclass(frozen=True, slots=True)
class StatsView:
    """One ``stats`` call: its grouping, region level and filter."""

    group_by: str  # "INSURER" or "REGION"
    level: str = "PROVINCE"
    insurers: tuple[int, ...] = ()
    region: str | None = None
    measures: tuple[str, ...] = MEASURES

    @property
    def name(self) -> str:
        name = self.group_by + (f"@{self.level}" if self.group_by == "REGION" else "")
        if self.insurers:
            name += " insurers=" + ",".join(f"Insurer:{i}" for i in self.insurers)
        if self.region:
            name += f" region={self.region}"
        return name

    def arguments(self) -> str:
        parts = [f"groupBy: [{self.group_by}]", f"regionLevel: {self.level}"]
        filters = []
        if self.insurers:
            filters.append(f"insurers: {json.dumps([f'Insurer:{i}' for i in self.insurers])}")
        if self.region:
            filters.append(f"region: {json.dumps(self.region)}")
        if filters:
            parts.append("filter: {" + ", ".join(filters) + "}")
        return ", ".join(parts)


@dataclass
class _Group:
    units: set[int]
    counts: dict[str, int]
    fees: dict[str, Decimal]


def _cents(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


class StatsOracle:
    def __init__(self, oracle: Oracle) -> None:
        self.oracle = oracle
        self.world = oracle.world

    def _counted(self, who: Principal, table: str, key: Any) -> bool:
        return key in self.oracle.visible_set(who, table, "aggregate")

    def _reference(self, who: Principal, table: str) -> bool:
        """Reference tables (regions, their closure) count only under an ``all`` right."""
        rules = self.oracle.rules
        return any("all" in rules.get((g.role, table, "aggregate"), ()) for g in who.grants)

    def _group_of_unit(self, who: Principal, view: StatsView, unit_id: int) -> str | None:
        """The unit's group key under REGION; ``None`` when the unit drops out."""
        unit = self.world.row("insured_unit", unit_id)
        assert unit is not None
        if not self._counted(who, "insured_unit", unit_id):
            return None
        regions_known = self._reference(who, "region") and self._reference(who, "region_ancestor")
        if view.region is not None and not (
            regions_known and self.world.region_within(unit["region_code"], view.region)
        ):
            return None
        if view.group_by != "REGION":
            return "-"
        if not regions_known:
            return "null"
        allowed = LEVELS[: LEVELS.index(view.level.lower()) + 1]
        for region in self.world.region_chain(unit["region_code"]):
            if region["level"] in allowed:  # the nearest ancestor-or-self at or above the level
                return str(region["code"])
        return "null"

    def compute(self, who: Principal, view: StatsView) -> dict[str, dict[str, str]]:
        """Group key → measure → expected value, for the groups the call must return."""
        needs_unit = view.group_by == "REGION" or view.region is not None
        groups: dict[str, _Group] = defaultdict(
            lambda: _Group(set(), defaultdict(int), defaultdict(Decimal))
        )
        record_of = self.world.tables["service_record"]

        def group(unit_id: int, insurer_id: int) -> _Group | None:
            if view.insurers and insurer_id not in view.insurers:
                return None
            key = f"Insurer:{insurer_id}"
            if needs_unit:
                unit_group = self._group_of_unit(who, view, unit_id)
                if unit_group is None:
                    return None
                if view.group_by == "REGION":
                    key = unit_group
            return groups[key]

        for policy in self.world.rows("insurance_policy"):
            if self._counted(who, "insurance_policy", policy["id"]):
                g = group(policy["unit_id"], policy["insurer_id"])
                if g is not None:
                    g.units.add(policy["unit_id"])
        for record in self.world.rows("service_record"):
            if record["completed_at"] is not None and self._counted(
                who, "service_record", record["id"]
            ):
                g = group(record["unit_id"], record["insurer_id"])
                if g is not None:
                    g.units.add(record["unit_id"])
                    g.counts["services.delivered"] += 1
        # Visits and major hazards count under their service record's insurer and unit.
        for table, measure in (
            ("follow_up", "satisfaction.responses"),
            ("hazard", "majorHazards.found"),
        ):
            for row in self.world.rows(table):
                if table == "hazard" and not row["is_major"]:
                    continue
                record = record_of[row["service_record_id"]]
                if self._counted(who, table, row["id"]) and self._counted(
                    who, "service_record", record["id"]
                ):
                    g = group(record["unit_id"], record["insurer_id"])
                    if g is not None:
                        g.counts[measure] += 1
        for complaint in self.world.rows("complaint"):
            if self._counted(who, "complaint", complaint["id"]):
                g = group(complaint["unit_id"], complaint["insurer_id"])
                if g is not None:
                    g.counts["complaints.filed"] += 1
        for entry in self.world.rows("fee_ledger_entry"):
            if self._counted(who, "fee_ledger_entry", entry["id"]):
                g = group(entry["unit_id"], entry["insurer_id"])
                if g is not None:
                    g.counts["fees"] += 0  # the group exists even when nothing adds up
                    kind = self._counts_as(who, entry)
                    if kind is not None:
                        g.fees[kind] += entry["amount"]
        # The public's groups of fewer units are left out (services/stats_suppression.py).
        least = DEFAULT_MIN_CELL_UNITS if any(g.role == "public" for g in who.grants) else 0
        return {key: self._measures(g, view) for key, g in groups.items() if len(g.units) >= least}

    def _counts_as(self, who: Principal, entry: Row) -> str | None:
        """R-7.3-ledger: an adjustment counts towards the kind of the entry it corrects (when
        that entry is itself counted)."""
        if entry["kind"] != "adjustment":
            return str(entry["kind"])
        corrected = entry["corrects_id"]
        if corrected is None or not self._counted(who, "fee_ledger_entry", corrected):
            return None
        row = self.world.row("fee_ledger_entry", corrected)
        assert row is not None
        return str(row["kind"])

    @staticmethod
    def _measures(g: _Group, view: StatsView) -> dict[str, str]:
        values = {
            "unitsCovered": str(len(g.units)),
            "services.delivered": str(g.counts["services.delivered"]),
            "satisfaction.responses": str(g.counts["satisfaction.responses"]),
            "complaints.filed": str(g.counts["complaints.filed"]),
            "majorHazards.found": str(g.counts["majorHazards.found"]),
            "fees.income": _cents(g.fees["allocation"]),
            "fees.expenditure": _cents(g.fees["expenditure"]),
        }
        return {m: values[m] for m in view.measures}
