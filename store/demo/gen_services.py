"""Service records and what hangs off them: hazards, staff, follow-ups, confirmations.

Each rule of clause 6 gets compliant and non-compliant cases in fixed proportions:
late and missing follow-ups (R-6.3-followup), records organised late or never and
confirmed, disputed or unconfirmed (R-6.3-archive), untold major hazards (R-6.2-major-hazard),
services below the agreed frequency (R-4.1-contract) and units without their annual risk
assessment or hazard investigation (R-5.1-annual).
"""

from __future__ import annotations

from datetime import datetime

from store.demo import texts
from store.demo.clock import SLOTS
from store.demo.context import FOLLOW_UPS, SATISFIED, SERVICES, UNITS, Batch, World
from store.demo.gen_units import UnitFactory
from store.demo.plans import PolicyPlan, SchemePlan, UnitPlan

# Satisfaction 1–5 as a 100-slot table, mostly content as follow-ups usually are.
_SATISFACTION = (5,) * 50 + (4,) * 30 + (3,) * 12 + (2,) * 5 + (1,) * 3
_METHODS = ("phone",) * 12 + ("network",) * 5 + ("on_site",) * 3
_HAZARD_COUNTS = {
    "hazard_investigation": (0, 0, 1, 1, 2, 2, 3, 4),
    "risk_assessment": (0, 0, 1, 2),
    "standardization": (0, 0, 0, 1),
}
_MULTI_DAY = frozenset({"risk_assessment", "standardization"})
_ANNUAL = frozenset({"risk_assessment", "hazard_investigation"})  # R-5.1-annual
_LATE_PLAN_HORIZON = 60  # days after the reference date that are already planned

# (record id, completed day, category, agency name) of a delivered service, for the ledger.
Delivered = tuple[int, int, str, str | None]


class ServiceFactory:
    def __init__(self, world: World) -> None:
        self.world = world

    def records(self, batch: Batch, unit: UnitPlan, policy: PolicyPlan) -> list[Delivered]:
        world = self.world
        rng, cal = world.rng, world.cal
        r, rr = rng.random, rng.randrange
        ref = cal.reference
        shortfall = r() < 0.12  # R-4.1-contract: delivers about half of what was agreed
        skip_annual = unit.high_risk and unit.above_size and r() < 0.10  # R-5.1-annual
        length = policy.end_day - policy.start_day
        delivered: list[Delivered] = []
        for category, frequency in policy.items:
            for k in range(frequency):
                planned = policy.start_day + (2 * k + 1) * length // (2 * frequency) + rr(41) - 20
                # Inside the policy year, on a working day (multi-day services may end
                # a few days after the year, as they do).
                planned = min(
                    cal.on_or_after_workday(max(planned, policy.start_day)), policy.end_day - 1
                )
                if planned > ref + _LATE_PLAN_HORIZON:
                    continue
                if planned <= ref and (
                    (shortfall and r() < 0.5) or (skip_annual and category in _ANNUAL)
                ):
                    continue
                done = self._record(batch, unit, policy, category, planned)
                if done is not None:
                    delivered.append(done)
        return delivered

    def _record(
        self, batch: Batch, unit: UnitPlan, policy: PolicyPlan, category: str, planned: int
    ) -> Delivered | None:
        world = self.world
        rng, cal, ids = world.rng, world.cal, world.ids
        r, rr, stamp, add = rng.random, rng.randrange, cal.stamp, cal.add_workdays
        ref = cal.reference
        record_id = ids.next("service_record")
        scheme = _scheme_at(policy.schemes, planned)
        agency = scheme.agency if scheme else None
        if scheme is None and r() < 0.3:
            local = world.agencies_by_province.get(unit.leaf.province)
            agency = rng.choice(local) if local else None
        party = UnitFactory.responsible(policy, agency.kind if agency else None)
        head = (
            record_id,
            policy.insurer.id,
            unit.id,
            policy.id,
            scheme.id if scheme else None,
            category,
        )
        place = texts.PLACE_ONLINE if category == "training" and r() < 0.3 else unit.address
        tail = (
            place,
            agency.id if agency else None,
            party,
            agency.id if agency and party != "insurer" else None,
            rng.choice(texts.CONTENT[category]),
            rng.choice(texts.PROCESS),
        )
        records = batch["service_record"]
        if planned > ref:  # planned, not yet started
            created = stamp(ref - rr(30), 3)
            records.append((*head, "planned", cal.dates[planned], None, None, *tail, None, created))
            return None
        start_slot = rr(10)
        started = stamp(planned, start_slot)
        if category in _MULTI_DAY:
            done_day, done_slot = add(planned, 1 + rr(4)), rr(SLOTS)
        else:
            done_day, done_slot = planned, start_slot + 2 + rr(8)
        if done_day > ref:  # started, still in progress
            records.append(
                (*head, "planned", cal.dates[planned], started, None, *tail, None, started)
            )
            return None
        completed = stamp(done_day, done_slot)

        # R-6.3-archive: organised within 10 working days (80%), late (10%), never (10%).
        u = r()
        organised_day: int | None = None
        if u < 0.8:
            organised_day = add(done_day, 1 + rr(10))
        elif u < 0.9:
            organised_day = add(done_day, 11 + rr(20))
        if organised_day is not None and organised_day > ref:
            organised_day = None  # not yet
        organised = stamp(organised_day, rr(SLOTS)) if organised_day is not None else None
        status = "completed"
        if organised_day is not None:
            status = self._confirm(batch, unit.id, record_id, organised_day)
        records.append(
            (
                *head,
                status,
                cal.dates[planned],
                started,
                completed,
                *tail,
                organised,
                organised or completed,
            )
        )

        self._hazards(batch, unit, record_id, category, done_day, done_slot, completed)
        # Who served: the scheme's staff, else the agency's, else the insurer's local experts.
        if scheme is not None:
            pool = scheme.staff
        elif agency is not None and agency.staff:
            pool = agency.staff
        else:
            pool = policy.insurer.experts[unit.leaf.province]
        staff_rows = batch["service_record_staff"]
        if len(pool) == 1 or r() < 0.6:
            staff_rows.append((record_id, rng.choice(pool)))
        else:
            for staff_id in rng.sample(pool, 2):
                staff_rows.append((record_id, staff_id))
        self._follow_up(batch, unit, policy, record_id, done_day)

        year = cal.dates[done_day].year
        tally = world.tally(policy.insurer.id, year)
        tally[SERVICES] += 1
        if (policy.insurer.id, year) not in unit.served:
            unit.served.add((policy.insurer.id, year))
            tally[UNITS] += 1
        unit.completed.append((record_id, done_day, policy.insurer.id))
        return record_id, done_day, category, agency.name if agency else None

    def _confirm(self, batch: Batch, unit_id: int, record_id: int, organised_day: int) -> str:
        """The unit confirms (78%), disputes (7%, a third of them confirm later), or stays
        silent; the latest decision counts (append-only rows)."""
        world = self.world
        rng, cal, ids = world.rng, world.cal, world.ids
        u = rng.random()
        if u >= 0.85:
            return "completed"
        decided_day = cal.add_workdays(organised_day, 1 + rng.randrange(7))
        if decided_day > cal.reference:
            return "completed"
        rows = batch["unit_confirmation"]
        decided = cal.stamp(decided_day, rng.randrange(SLOTS))
        if u < 0.78:
            rows.append(
                (
                    ids.next("unit_confirmation"),
                    record_id,
                    unit_id,
                    "confirmed",
                    None,
                    decided,
                    decided,
                )
            )
            return "confirmed"
        rows.append(
            (
                ids.next("unit_confirmation"),
                record_id,
                unit_id,
                "disputed",
                rng.choice(texts.DISPUTE_REASONS),
                decided,
                decided,
            )
        )
        if rng.random() < 0.35:
            later_day = cal.add_workdays(decided_day, 3 + rng.randrange(12))
            if later_day <= cal.reference:
                later = cal.stamp(later_day, rng.randrange(SLOTS))
                rows.append(
                    (
                        ids.next("unit_confirmation"),
                        record_id,
                        unit_id,
                        "confirmed",
                        "经核实后确认",
                        later,
                        later,
                    )
                )
                return "confirmed"
        return "disputed"

    def _hazards(
        self,
        batch: Batch,
        unit: UnitPlan,
        record_id: int,
        category: str,
        day: int,
        slot: int,
        found: datetime,
    ) -> None:
        counts = _HAZARD_COUNTS.get(category)
        if counts is None:
            return
        world = self.world
        rng, cal, ids = world.rng, world.cal, world.ids
        r, rr = rng.random, rng.randrange
        major_share = 0.08 if unit.high_risk else 0.03
        rows = batch["hazard"]
        for _ in range(counts[rr(len(counts))]):
            major = r() < major_share
            told = found if r() < 0.9 else None
            if major:
                # R-6.2-major-hazard: the unit is told the same or the next working day,
                # except for the untold ones that regulators must see.
                u = r()
                told_day = day if u < 0.6 else cal.add_workdays(day, 1)
                told_slot = min(slot + 1, SLOTS - 1) if told_day == day else rr(SLOTS)
                told = cal.stamp(told_day, told_slot) if u < 0.85 else None
                if told_day > cal.reference:
                    told = None
            rectified = None
            if r() < 0.65:
                rectified_day = cal.add_workdays(day, 3 + rr(40))
                if rectified_day <= cal.reference:
                    rectified = cal.stamp(rectified_day, rr(SLOTS))
            description = rng.choice(texts.MAJOR_HAZARDS if major else texts.HAZARDS)
            rows.append((ids.next("hazard"), record_id, description, major, found, told, rectified))

    def _follow_up(
        self, batch: Batch, unit: UnitPlan, policy: PolicyPlan, record_id: int, day: int
    ) -> None:
        """R-6.3-followup: within 5 working days (80%), late (8%), or never (12%)."""
        world = self.world
        rng, cal = world.rng, world.cal
        r, rr = rng.random, rng.randrange
        u = r()
        if u >= 0.88:
            return
        visited_day = cal.add_workdays(day, 1 + rr(5) if u < 0.8 else 6 + rr(15))
        if visited_day > cal.reference:
            return
        follow_up_id = world.ids.next("follow_up")
        satisfaction = _SATISFACTION[rr(100)]
        managers = policy.insurer.managers[unit.leaf.province]
        visited = cal.stamp(visited_day, rr(SLOTS))
        batch["follow_up"].append(
            (
                follow_up_id,
                record_id,
                _METHODS[rr(len(_METHODS))],
                visited,
                satisfaction,
                rng.choice(texts.COMMENTS[satisfaction]),
                rng.choice(managers) if r() < 0.7 else None,
                visited,
            )
        )
        tally = world.tally(policy.insurer.id, cal.dates[visited_day].year)
        tally[FOLLOW_UPS] += 1
        if satisfaction >= 4:
            tally[SATISFIED] += 1
        elif satisfaction <= 2 and r() < 0.4:
            # R-8.3-improvement: a dissatisfied follow-up becomes a tracked measure.
            world.measures.append(
                (policy.insurer.id, "follow_up", None, None, follow_up_id, visited_day)
            )


def _scheme_at(schemes: list[SchemePlan], day: int) -> SchemePlan | None:
    """The scheme version in force on ``day``; a late-agreed first version still counts
    (the records were filed against it: the R-6.1-scheme finding)."""
    if not schemes:
        return None
    current = schemes[0]
    for scheme in schemes[1:]:
        if scheme.agreed_day <= day:
            current = scheme
    return current
