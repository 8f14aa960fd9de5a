"""Insured units, their policies with the agreed service items, and their service schemes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from store.demo import identity, names, reference, texts
from store.demo.context import Batch, InsurerInfo, World
from store.demo.gen_parties import INSURERS
from store.demo.plans import PolicyPlan, SchemePlan, UnitPlan
from store.demo.scale import FEATURED_LEAVES
from store.enums import AgencyKind

_ROADS = ("人民路", "建设路", "解放路", "中山路", "工业大道", "滨江路", "创业路", "园区大道")
_SECRETS = ("主要工艺参数和原料配方", "年产能及主要客户名单", "在建项目投资计划")
_RATIOS = (
    (Decimal("0.1000"), 1000),
    (Decimal("0.1500"), 1500),
    (Decimal("0.2000"), 2000),
    (Decimal("0.2100"), 2100),
)
_FIRST_START = date(2023, 7, 1)  # first policy years start within the following 365 days
# Policy-year patterns: which of the three consecutive years a unit is insured in.
_PATTERNS = ((True, True, True),) * 7 + (
    (True, True, False),
    (False, True, True),
    (False, False, True),
)


def _fen(amount: int) -> Decimal:
    """Money from fen (cents): exact, two places."""
    return Decimal(amount).scaleb(-2)


class UnitFactory:
    """Makes one unit at a time; the choice tables are built once per run."""

    def __init__(self, world: World) -> None:
        self.world = world
        industries = reference.industries()
        self.high_risk = [i.code for i in industries if i.high_risk_category]
        self.ordinary = [i.code for i in industries if not i.high_risk_category]
        # Market shares as a table with one slot per weight point: one randrange per pick.
        weights = [w for *_, w in INSURERS[: len(world.insurers)]]
        self.insurer_table = [
            info for info, w in zip(world.insurers, weights, strict=True) for _ in range(w)
        ]
        by_code = {leaf.code: leaf for leaf in world.leaves}
        self.featured = [by_code[c] for c in FEATURED_LEAVES if c in by_code]
        self.first_start = world.cal.day(_FIRST_START)

    def unit(self, batch: Batch, n: int) -> tuple[UnitPlan, InsurerInfo]:
        world = self.world
        rng, cal = world.rng, world.cal
        r = rng.random
        leaf = self.featured[n] if n < len(self.featured) else rng.choice(world.leaves)
        high_risk = r() < 0.65
        industry = rng.choice(self.high_risk if high_risk else self.ordinary)
        above = r() < (0.45 if high_risk else 0.3)
        staff_count = 300 + int(r() * 4700) if above else 8 + int(r() * 290)
        authority = identity.ENTERPRISE
        if industry.startswith("A") and r() < 0.3:
            authority = identity.COOPERATIVE if r() < 0.6 else identity.VILLAGE_COLLECTIVE
        elif industry == "H62" and r() < 0.3:
            authority = identity.SOLE_TRADER
        elif r() < 0.02:
            authority = identity.OTHER
        unit_id = world.ids.next("insured_unit")
        address = f"{leaf.address_prefix}{rng.choice(_ROADS)}{1 + rng.randrange(999)}号"
        plan = UnitPlan(unit_id, leaf, address, high_risk, above, staff_count)
        batch["insured_unit"].append(
            (
                unit_id,
                world.codes.next(authority, leaf.code),
                names.company(rng, leaf.place, names.industry_words(industry)),
                leaf.code,
                industry,
                above,
                staff_count,
                address,
                names.person(rng) if r() < 0.9 else None,
                identity.mobile(rng) if r() < 0.9 else None,
                rng.choice(_SECRETS) if r() < 0.2 else None,
                cal.stamp(self.first_start - 30 + rng.randrange(30), rng.randrange(20)),
            )
        )
        return plan, self.insurer_table[rng.randrange(len(self.insurer_table))]

    def policies(self, batch: Batch, unit: UnitPlan, insurer: InsurerInfo) -> list[PolicyPlan]:
        world = self.world
        rng, cal = world.rng, world.cal
        start = cal.dates[self.first_start + rng.randrange(365)]
        if start.month == 2 and start.day == 29:
            start = date(start.year, 3, 1)  # so that every anniversary exists
        pattern = _PATTERNS[rng.randrange(len(_PATTERNS))]
        premium = unit.staff_count * (
            15_000 + rng.randrange(25_000) if unit.high_risk else 4_000 + rng.randrange(8_000)
        )
        premium = max(premium, 300_000)  # fen: no policy below 3 000 yuan
        plans = []
        for year, insured in enumerate(pattern):
            if not insured:
                continue
            if year and rng.random() < 0.1:  # some units change insurer at renewal
                insurer = self.insurer_table[rng.randrange(len(self.insurer_table))]
            period_start = start.replace(year=start.year + year)
            period_end = start.replace(year=start.year + year + 1)
            ratio, basis = _RATIOS[rng.randrange(len(_RATIOS))]
            policy = PolicyPlan(
                id=world.ids.next("insurance_policy"),
                insurer=insurer,
                start_day=cal.day(period_start),
                end_day=cal.day(period_end),
                premium_fen=premium * (95 + rng.randrange(16)) // 100,
                ratio_basis_points=basis,
                items=self._items(unit),
                third_party_managed=rng.random() < 0.15,
            )
            branch = (
                insurer.city_branch.get(unit.leaf.city_code or "")
                or (insurer.province_branch[unit.leaf.province])
            )
            batch["insurance_policy"].append(
                (
                    policy.id,
                    insurer.id,
                    branch,
                    unit.id,
                    f"{insurer.code}{period_start.year}{unit.leaf.province}{policy.id:09d}",
                    period_start,
                    period_end,
                    _fen(policy.premium_fen),
                    ratio,
                    cal.stamp(max(policy.start_day - 10, 0), 4),
                )
            )
            items = batch["policy_service_item"]
            for category, frequency in policy.items:
                items.append(
                    (world.ids.next("policy_service_item"), policy.id, category, frequency)
                )
            self._schemes(batch, unit, policy)
            plans.append(policy)
        return plans

    def _items(self, unit: UnitPlan) -> list[tuple[str, int]]:
        rng = self.world.rng
        r = rng.random
        if unit.high_risk and unit.above_size:
            items = [
                ("hazard_investigation", rng.choice((4, 4, 6))),
                ("risk_assessment", 1),
                ("training", rng.choice((2, 3))),
            ]
            if r() < 0.6:
                items.append(("emergency_plan", 1))
            if r() < 0.3:
                items.append(("standardization", 1))
        elif unit.high_risk:
            items = [
                ("hazard_investigation", rng.choice((2, 4, 4))),
                ("training", rng.choice((1, 2))),
            ]
            if r() < 0.4:
                items.append(("emergency_plan", 1))
            if r() < 0.2:
                items.append(("standardization", 1))
        else:
            items = [("training", rng.choice((1, 2))), ("hazard_investigation", rng.choice((1, 2)))]
            if r() < 0.3:
                items.append(("tech_promotion", 1))
            if r() < 0.3:
                items.append(("standardization", 1))
        return items

    def _schemes(self, batch: Batch, unit: UnitPlan, policy: PolicyPlan) -> None:
        """R-6.1-scheme: most policies get a scheme soon after they start; some never do,
        some only after services were already recorded, some are revised (version 2)."""
        world = self.world
        rng, cal = world.rng, world.cal
        u = rng.random()
        if u < 0.06:
            return  # no scheme at all
        late = u < 0.10
        agreed = policy.start_day + (60 + rng.randrange(60) if late else 3 + rng.randrange(22))
        agency = None
        local = world.agencies_by_province.get(unit.leaf.province)
        if local and rng.random() < 0.65:
            agency = rng.choice(local)
            # R-7.1-staff: a suspended agency gets no new work, nearly always.
            # (one more draw, half of the time: the rest are the findings).
            suspended = agency.suspended_day is not None and agency.suspended_day <= agreed
            if suspended and rng.random() < 0.5:
                agency = rng.choice(local)
        staff: list[int] = []
        experts = policy.insurer.experts[unit.leaf.province]
        if agency is not None and agency.staff:
            staff.extend(rng.sample(agency.staff, min(len(agency.staff), 1 + rng.randrange(2))))
            if rng.random() < 0.4:
                staff.append(rng.choice(experts))
        else:
            staff.extend(rng.sample(experts, min(len(experts), 1 + rng.randrange(3))))
        staff = list(dict.fromkeys(staff))
        versions = 2 if rng.random() < 0.12 else 1
        previous: int | None = None
        for version in range(1, versions + 1):
            if version == 2:
                agreed += 120 + rng.randrange(80)
            scheme = SchemePlan(world.ids.next("service_scheme"), agreed, agency, staff)
            policy.schemes.append(scheme)
            stamp = cal.stamp(agreed, 2 + rng.randrange(14))
            batch["service_scheme"].append(
                (
                    scheme.id,
                    policy.insurer.id,
                    policy.id,
                    unit.id,
                    version,
                    previous,
                    rng.choice(texts.SCHEME_TIME_LIMITS),
                    agency.id if agency else None,
                    _fen(policy.allocation_fen * (90 + rng.randrange(11)) // 100),
                    rng.choice(texts.SCHEME_EFFECTS),
                    rng.choice(texts.SCHEME_GUARANTEES),
                    rng.choice(texts.SCHEME_LIABILITY),
                    rng.choice(texts.SCHEME_ARBITRATION),
                    stamp,
                    stamp,
                )
            )
            for category, frequency in policy.items:
                # A revision steps up hazard investigation; the rest stays as agreed.
                bumped = version == 2 and category == "hazard_investigation"
                batch["scheme_item"].append(
                    (
                        world.ids.next("scheme_item"),
                        scheme.id,
                        category,
                        frequency + 1 if bumped else frequency,
                        texts.ITEM_DESCRIPTIONS[category],
                    )
                )
            for staff_id in staff:
                batch["scheme_staff"].append((scheme.id, staff_id))
            previous = scheme.id

    @staticmethod
    def responsible(policy: PolicyPlan, agency_kind: str | None) -> str:
        """R-5.3-responsibility: a broker or a third party that organises the services and
        manages the fees answers for them; otherwise the insurer does."""
        if agency_kind == AgencyKind.INSURANCE_BROKER.value:
            return "broker"
        if agency_kind is not None and policy.third_party_managed:
            return "third_party"
        return "insurer"
