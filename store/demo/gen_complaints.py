"""Complaints and their answers (R-6.4-complaint): on time, late, never, with a part of the
answer missing, and the longer limit where verification is needed."""

from __future__ import annotations

from store.demo import names, texts
from store.demo.clock import SLOTS
from store.demo.context import COMPLAINTS, ON_TIME, Batch, World
from store.demo.plans import UnitPlan

ANSWER_DAYS = 5  # R-6.4-complaint: working days to answer
VERIFIED_ANSWER_DAYS = 10  # where further verification is needed
_EXTENSION_DAYS = (10, 15, 30)


def complaints(world: World, batch: Batch, unit: UnitPlan) -> None:
    rng, cal = world.rng, world.cal
    r, rr = rng.random, rng.randrange
    if not unit.completed or r() >= world.spec.complaint_rate:
        return
    for _ in range(2 if r() < 0.25 else 1):
        record_id: int | None
        record_id, day, insurer_id = unit.completed[rr(len(unit.completed))]
        if r() < 0.15:
            record_id = None  # about the service in general, not one record
        filed_day = cal.on_or_after_workday(day + 2 + rr(40))
        if filed_day > cal.reference:
            continue
        verification = r() < 0.25
        limit = VERIFIED_ANSWER_DAYS if verification else ANSWER_DAYS
        u = r()
        if u < 0.70:  # answered on time (a fifth of them missing a part) …
            answered_day: int | None = cal.add_workdays(filed_day, 1 + rr(limit))
        elif u < 0.85:  # … late …
            answered_day = cal.add_workdays(filed_day, limit + 1 + rr(15))
        else:  # … or never
            answered_day = None
        if answered_day is not None and answered_day > cal.reference:
            answered_day = None  # not yet
        parts: list[str | None] = [None, None, None]
        if answered_day is not None:
            parts = [
                rng.choice(texts.ANSWER_REQUESTS),
                rng.choice(texts.ANSWER_FACTS),
                rng.choice(texts.ANSWER_MEASURES),
            ]
            if 0.56 <= u < 0.70:
                parts[rr(3)] = None  # the answer lacks a required part
        extended = r() < 0.04
        filed = cal.stamp(filed_day, rr(SLOTS))
        complaint_id = world.ids.next("complaint")
        batch["complaint"].append(
            (
                complaint_id,
                insurer_id,
                unit.id,
                record_id,
                filed,
                rng.choice(texts.COMPLAINT_REQUESTS),
                verification,
                "answered" if answered_day is not None else "open",
                cal.stamp(answered_day, rr(SLOTS)) if answered_day is not None else None,
                *parts,
                _EXTENSION_DAYS[rr(3)] if extended else None,
                names.person(rng) if extended else None,
                rng.choice(texts.EXTENSION_REASONS) if extended else None,
                cal.stamp(min(cal.add_workdays(filed_day, 2), cal.reference), 8)
                if extended
                else None,
                filed,
            )
        )
        tally = world.tally(insurer_id, cal.dates[filed_day].year)
        tally[COMPLAINTS] += 1
        if u < 0.56 and answered_day is not None:
            tally[ON_TIME] += 1
        if r() < 0.4:
            # R-8.3-improvement: a complaint's lesson becomes a tracked measure.
            world.measures.append((insurer_id, "complaint", None, complaint_id, None, filed_day))
