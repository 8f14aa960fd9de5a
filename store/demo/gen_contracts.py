"""Contracts with hired agencies (R-7.4-archive) for a batch of units, from the services the
batch gave to agencies: one per (policy, agency) pair, or one for the unit as a whole, and
none for about one pair in eight, so the demo shows archives with and without them.

No random draws: which pairs lack a contract, and which contracts cover the whole unit, follow
from the ids, so adding contracts did not move any other row of the data set.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import cast

from store.demo.columns import COLUMNS
from store.demo.context import Batch, World
from store.enums import ServiceCategory

_RECORD = {c: i for i, c in enumerate(COLUMNS["service_record"])}
_POLICY = {c: i for i, c in enumerate(COLUMNS["insurance_policy"])}
SIGNED_BEFORE = timedelta(days=7)  # a contract is signed a week before it takes effect


def _missing(unit_id: int, agency_id: int) -> bool:
    """About one (unit, agency) pair in eight has no contract at all."""
    return (unit_id * 31 + agency_id) % 8 == 0


def _unit_wide(unit_id: int, agency_id: int) -> bool:
    """About one in three covers every policy of the unit, open-ended."""
    return (unit_id + agency_id) % 3 == 0


def contracts(world: World, batch: Batch) -> None:
    """Append ``agency_contract`` rows for the batch's services given to agencies."""
    periods: dict[int, tuple[date, date]] = {
        cast(int, row[_POLICY["id"]]): (
            cast(date, row[_POLICY["period_start"]]),
            cast(date, row[_POLICY["period_end"]]),
        )
        for row in batch["insurance_policy"]
    }
    # (insurer, unit, agency, policy) → the categories served, in order of first service.
    served: dict[tuple[int, int, int, int], dict[str, None]] = {}
    for row in batch["service_record"]:
        agency = row[_RECORD["agency_id"]]
        if agency is None:
            continue
        key = cast(
            tuple[int, int, int, int],
            (
                row[_RECORD["insurer_id"]],
                row[_RECORD["unit_id"]],
                agency,
                row[_RECORD["policy_id"]],
            ),
        )
        served.setdefault(key, {})[str(row[_RECORD["category"]])] = None
    seen_wide: set[tuple[int, int, int]] = set()
    out = batch["agency_contract"]
    for (insurer, unit, agency, policy), categories in sorted(served.items()):
        if _missing(unit, agency):
            continue
        start, end = periods[policy]
        wide = _unit_wide(unit, agency)
        if wide and (insurer, unit, agency) in seen_wide:
            continue  # one unit-wide contract covers every later policy
        seen_wide.add((insurer, unit, agency))
        contract_id = world.ids.next("agency_contract")
        ref = f"HT-{insurer:03d}-{unit:06d}-{agency:04d}-{contract_id:06d}"
        signed = start - SIGNED_BEFORE
        scope = "、".join(ServiceCategory(c).label_zh for c in categories)
        out.append(
            (
                contract_id,
                insurer,
                agency,
                unit,
                None if wide else policy,
                signed,
                start,
                None if wide else end - timedelta(days=1),
                f"委托开展：{scope}",
                ref,
                hashlib.sha256(ref.encode()).hexdigest(),
                world.cal.stamp(world.cal.day(signed), 3),
            )
        )
