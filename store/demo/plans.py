"""What the generator remembers about one unit and its policies while it writes their rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from store.demo.context import AgencyInfo, InsurerInfo, Leaf


@dataclass(slots=True)
class UnitPlan:
    id: int
    leaf: Leaf
    address: str
    high_risk: bool
    above_size: bool
    staff_count: int
    # (record id, completed day, insurer id) of every completed service, for complaints.
    completed: list[tuple[int, int, int]] = field(default_factory=list)
    served: set[tuple[int, int]] = field(default_factory=set)  # (insurer id, year)


@dataclass(slots=True)
class SchemePlan:
    id: int
    agreed_day: int
    agency: AgencyInfo | None
    staff: list[int]


@dataclass(slots=True)
class PolicyPlan:
    id: int
    insurer: InsurerInfo
    start_day: int
    end_day: int  # exclusive
    premium_fen: int
    ratio_basis_points: int  # prevention_fee_ratio × 10 000
    items: list[tuple[str, int]]  # (category, frequency per year), R-4.1-contract
    schemes: list[SchemePlan] = field(default_factory=list)  # v1, then v2 if any
    # Who answers for the services (R-5.3-responsibility) when an agency organises them.
    third_party_managed: bool = False

    @property
    def allocation_fen(self) -> int:
        return self.premium_fen * self.ratio_basis_points // 10_000
