"""Annual evaluations (R-8.1, R-8.2), improvement measures (R-8.3), and the demo principals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from store.demo import texts
from store.demo.context import (
    COMPLAINTS,
    FOLLOW_UPS,
    INCOME,
    ON_TIME,
    SATISFIED,
    SERVICES,
    SPENT,
    UNITS,
    Chunk,
    PendingMeasure,
    Row,
    World,
    chunk,
)

EVALUATION_YEARS = (2023, 2024, 2025)
# What became of each insurer's report for the latest year, rotated over the insurers so that
# every case occurs: published, only submitted, still a draft, never written.
_LATEST_FATES = ("published", "submitted", "published", "missing", "draft", "published")
_SATISFACTION_PLACES = Decimal("0.0001")


def _fen(amount: int) -> Decimal:
    return Decimal(amount).scaleb(-2)


def evaluation_chunks(world: World) -> Iterator[Chunk]:
    rng, cal = world.rng, world.cal
    evaluators = [
        a.name for a in world.agencies if a.kind in ("evaluation_testing", "university_institute")
    ]
    offset = rng.randrange(len(_LATEST_FATES))
    rows: list[Row] = []
    reported: list[tuple[int, int, int]] = []  # (evaluation id, insurer id, day)
    for index, insurer in enumerate(world.insurers):
        for year in EVALUATION_YEARS:
            if year == EVALUATION_YEARS[-1]:
                fate = _LATEST_FATES[(index + offset) % len(_LATEST_FATES)]
            elif year == 2024 and index == (offset + 2) % len(world.insurers):
                fate = "missing"  # an insurer that skipped a year altogether
            else:
                fate = "published"
            if fate == "missing":
                continue
            tally = world.tally(insurer.id, year)
            third_party = bool(evaluators) and rng.random() < 0.4
            submitted_day = cal.day(date(year + 1, 3, 1)) + rng.randrange(30)
            published_day = submitted_day + 10 + rng.randrange(30)
            # One report per run is corrected: version 1 submitted, version 2 published.
            versions = 2 if year == 2024 and index == offset % len(world.insurers) else 1
            previous: int | None = None
            for version in range(1, versions + 1):
                status = fate if version == versions else "submitted"
                evaluation_id = world.ids.next("annual_evaluation")
                day = submitted_day + 20 * (version - 1)
                submitted = cal.stamp(day, 6) if status != "draft" else None
                public = cal.stamp(published_day + 20 * (version - 1), 2)
                rows.append(
                    (
                        evaluation_id,
                        insurer.id,
                        year,
                        version,
                        previous,
                        "third_party" if third_party else "self",
                        rng.choice(evaluators) if third_party else None,
                        *texts.EVALUATION_SECTIONS,  # the six sections of R-8.1-evaluation
                        tally[UNITS],
                        tally[SERVICES],
                        (Decimal(tally[SATISFIED]) / tally[FOLLOW_UPS]).quantize(
                            _SATISFACTION_PLACES
                        )
                        if tally[FOLLOW_UPS]
                        else None,
                        tally[COMPLAINTS],
                        tally[ON_TIME],
                        _fen(tally[INCOME]),
                        _fen(tally[SPENT]),
                        status,
                        submitted,
                        "应急管理部" if submitted else None,
                        public if status == "published" else None,
                        cal.stamp(day - 5, 3),
                    )
                )
                if status != "draft":
                    reported.append((evaluation_id, insurer.id, day))
                previous = evaluation_id
    yield chunk("annual_evaluation", rows)
    yield chunk("improvement_measure", list(_measures(world, reported)))


def _measures(world: World, evaluations: list[tuple[int, int, int]]) -> Iterator[Row]:
    """R-8.3-improvement: measures from evaluations, inspections, follow-ups and complaints,
    planned, in progress, done, and some overdue."""
    rng, cal = world.rng, world.cal
    found: list[PendingMeasure] = []
    for reported_id, insurer_id, reported_day in evaluations:
        for _ in range(1 + rng.randrange(2)):
            found.append((insurer_id, "evaluation", reported_id, None, None, reported_day))
    for insurer in world.insurers:
        for _ in range(1 + rng.randrange(2)):
            inspected_day = cal.reference - 30 - rng.randrange(500)
            found.append((insurer.id, "inspection", None, None, None, inspected_day))
    found.extend(world.measures)
    for insurer_id, source, evaluation_id, complaint_id, follow_up_id, day in found:
        due_day = day + 30 + rng.randrange(90)
        u = rng.random()
        done_day = day + 10 + rng.randrange(100)
        if u < 0.45 and done_day <= cal.reference:
            status, completed = "done", cal.stamp(done_day, 7)
        else:
            status, completed = ("in_progress" if u < 0.75 else "planned"), None
        yield (
            world.ids.next("improvement_measure"),
            insurer_id,
            source,
            evaluation_id,
            complaint_id,
            follow_up_id,
            rng.choice(texts.IMPROVEMENT_PROBLEMS[source]),
            rng.choice(texts.IMPROVEMENT_MEASURES),
            cal.dates[due_day],
            status,
            rng.choice(texts.PROGRESS_NOTES) if status != "planned" else None,
            completed,
            cal.stamp(day, 9),
        )
