"""The dedicated prevention-fee ledger per unit (R-7.3-ledger): an allocation from premium per
policy, an expenditure per delivered service, and the irregular cases: under- and
over-spending against the fee ratio, spending with no service behind it, corrections."""

from __future__ import annotations

from decimal import Decimal

from store.demo import texts
from store.demo.context import INCOME, SPENT, Batch, World
from store.demo.gen_services import Delivered
from store.demo.plans import PolicyPlan, UnitPlan

# Share of the allocation a policy's services cost, in percent: most spend most of it,
# some far less (fees retained), some more than was set aside.
_SPEND_PERCENT = (85,) * 14 + (35,) * 3 + (140,) * 3
_NOISE_PERCENT = tuple(range(70, 131))


def _fen(amount: int) -> Decimal:
    return Decimal(amount).scaleb(-2)


def ledger(
    world: World, batch: Batch, unit: UnitPlan, policy: PolicyPlan, delivered: list[Delivered]
) -> None:
    rng, cal, ids = world.rng, world.cal, world.ids
    rr = rng.randrange
    rows = batch["fee_ledger_entry"]
    insurer_id = policy.insurer.id
    allocation = policy.allocation_fen
    start = cal.dates[policy.start_day]
    created = cal.stamp(policy.start_day, 5)
    ratio_percent = policy.ratio_basis_points / 100
    rows.append(
        (
            ids.next("fee_ledger_entry"),
            insurer_id,
            unit.id,
            policy.id,
            "allocation",
            _fen(allocation),
            start,
            f"按保费的{ratio_percent:g}%计提事故预防服务费",
            None,
            None,
            None,
            created,
        )
    )
    world.tally(insurer_id, start.year)[INCOME] += allocation

    expected = sum(frequency for _, frequency in policy.items)
    per_service = allocation * _SPEND_PERCENT[rr(len(_SPEND_PERCENT))] // (100 * expected)
    spent_ids: list[tuple[int, int, int]] = []  # (entry id, fen, day)
    for record_id, day, category, agency_name in delivered:
        amount = max(per_service * _NOISE_PERCENT[rr(len(_NOISE_PERCENT))] // 100, 100)
        entry_id = ids.next("fee_ledger_entry")
        rows.append(
            (
                entry_id,
                insurer_id,
                unit.id,
                policy.id,
                "expenditure",
                _fen(amount),
                cal.dates[day],
                texts.ITEM_DESCRIPTIONS[category] + "服务费",
                record_id,
                agency_name,
                None,
                cal.stamp(day, 18),
            )
        )
        world.tally(insurer_id, cal.dates[day].year)[SPENT] += amount
        spent_ids.append((entry_id, amount, day))
    last_day = min(cal.reference, policy.end_day - 1)
    if rng.random() < 0.06 and last_day > policy.start_day:
        # Spending with no service behind it: a finding of R-7.3-ledger.
        day = policy.start_day + rr(last_day - policy.start_day)
        amount = max(per_service, 50_000)
        rows.append(
            (
                ids.next("fee_ledger_entry"),
                insurer_id,
                unit.id,
                policy.id,
                "expenditure",
                _fen(amount),
                cal.dates[day],
                rng.choice(texts.LEDGER_UNBACKED),
                None,
                None,
                None,
                cal.stamp(day, 18),
            )
        )
        world.tally(insurer_id, cal.dates[day].year)[SPENT] += amount
    if spent_ids and rng.random() < 0.03:
        # R-7.4-archive: a correction is a new entry naming the one it corrects.
        corrected_id, amount, spent_day = spent_ids[rr(len(spent_ids))]
        day = min(cal.reference, spent_day + 5 + rr(25))
        rows.append(
            (
                ids.next("fee_ledger_entry"),
                insurer_id,
                unit.id,
                policy.id,
                "adjustment",
                _fen(-(amount // 10)),
                cal.dates[day],
                "更正：服务费多计冲回",
                None,
                None,
                corrected_id,
                cal.stamp(day, 19),
            )
        )
        world.tally(insurer_id, cal.dates[day].year)[SPENT] -= amount // 10
