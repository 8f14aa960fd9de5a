"""``anzexian verify``: recompute every archive chain and compare it with the rows it
archives and, when given, a signed checkpoint (R-7.4-archive).

Two streaming passes, so memory does not grow with the archive:

1. the chains, by unit and ``seq``: numbering from 1 without gaps, each ``prev_hash`` the
   previous entry's hash, each hash recomputed from the entry's envelope, the newest entry
   against the recorded head and the checkpoint's head;
2. per archived table, its entries by row and version merged with its rows by id: versions
   1..n without gaps, the newest version equal to the row as stored now, in the row's unit,
   and every row archived.

For each unit the first problem in chain order is kept: that is the first broken entry
(``seq`` None: a row with no entry at all, after every entry).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, RowMapping

from services.archive.checkpoint import Checkpoint
from store.archive import canonical
from store.archive.chain import table
from store.archive.sources import SOURCES
from store.base import utcnow
from store.repositories import archive_entry as archive

Progress = Callable[[int], None]
Entry = RowMapping | Mapping[str, Any]  # an archive_entry row as streamed


@dataclass(frozen=True, slots=True)
class Break:
    """The first broken entry of a unit's chain, and what is wrong with it."""

    unit_id: int
    seq: int | None
    kind: str | None
    source_table: str | None
    source_id: int | None
    source_version: int | None
    problem: str  # a stable code: SEQUENCE, PREV_HASH, HASH, HEAD, CHECKPOINT, VERSION, ...
    detail: str

    def order(self) -> float:
        return float("inf") if self.seq is None else float(self.seq)


@dataclass
class Report:
    units: int = 0
    entries: int = 0
    rows: int = 0
    checkpoint: Checkpoint | None = None
    breaks: dict[int, Break] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)  # unit id → credit code, for output

    @property
    def intact(self) -> bool:
        return not self.breaks

    def note(self, found: Break) -> None:
        known = self.breaks.get(found.unit_id)
        if known is None or found.order() < known.order():
            self.breaks[found.unit_id] = found


def _entry_break(entry: Entry, problem: str, detail: str) -> Break:
    return Break(
        unit_id=entry["unit_id"],
        seq=entry["seq"],
        kind=entry["kind"],
        source_table=entry.get("source_table"),
        source_id=entry["source_id"],
        source_version=entry["source_version"],
        problem=problem,
        detail=detail,
    )


def _gap(unit_id: int, seq: int, problem: str, detail: str) -> Break:
    return Break(unit_id, seq, None, None, None, None, problem, detail)


def _recomputed(entry: RowMapping) -> str:
    return canonical.entry_hash(
        entry["prev_hash"],
        unit_id=entry["unit_id"],
        seq=entry["seq"],
        kind=entry["kind"],
        source_table=entry["source_table"],
        source_id=entry["source_id"],
        source_version=entry["source_version"],
        recorded_at=entry["recorded_at"],
        content_text=entry["content"],
    )


def _check_chain(
    unit_id: int,
    entries: Iterator[RowMapping],
    head: tuple[int, str] | None,
    checkpoint: Checkpoint | None,
    report: Report,
    tick: Progress,
) -> None:
    expected, prev = 1, canonical.GENESIS
    marked = checkpoint.heads.get(unit_id) if checkpoint else None
    for entry in entries:
        report.entries += 1
        tick(1)
        if unit_id in report.breaks:
            continue  # the first break is named; the rest of the chain still counts
        seq = entry["seq"]
        if seq > expected:
            report.note(_gap(unit_id, expected, "SEQUENCE", f"entry seq {expected} is missing"))
            continue
        if seq < expected:
            report.note(_entry_break(entry, "SEQUENCE", f"seq {seq} is duplicated or out of order"))
            continue
        if entry["prev_hash"] != prev:
            report.note(_entry_break(entry, "PREV_HASH", "prev_hash is not the previous hash"))
            continue
        if _recomputed(entry) != entry["hash"]:
            report.note(_entry_break(entry, "HASH", "content or envelope does not match its hash"))
            continue
        if marked is not None and marked.seq == seq and marked.hash != entry["hash"]:
            report.note(
                _entry_break(entry, "CHECKPOINT", "hash differs from the signed checkpoint's")
            )
            continue
        prev, expected = entry["hash"], expected + 1
    if unit_id in report.breaks:
        return
    last = expected - 1
    if head is not None and (head[0] > last or (head[0] == last and head[1] != prev)):
        report.note(
            _gap(
                unit_id,
                last + 1,
                "HEAD",
                f"the chain ends at seq {last} but its head records seq {head[0]}: "
                "newest entries removed or replaced",
            )
        )
    elif marked is not None and marked.seq > last:
        report.note(
            _gap(
                unit_id,
                last + 1,
                "CHECKPOINT",
                f"the chain ends at seq {last} but the signed checkpoint has seq {marked.seq}",
            )
        )


def check_chains(
    conn: Connection,
    unit_id: int | None,
    checkpoint: Checkpoint | None,
    report: Report,
    tick: Progress,
) -> None:
    """Pass 1: every chain against itself, its head and the checkpoint."""
    heads = archive.heads(conn, unit_id)
    seen: set[int] = set()
    for unit, entries in groupby(archive.stream_chains(conn, unit_id), key=lambda e: e["unit_id"]):
        seen.add(unit)
        _check_chain(unit, entries, heads.get(unit), checkpoint, report, tick)
    expected = set(heads)
    if checkpoint is not None:
        expected |= {u for u in checkpoint.heads if unit_id is None or u == unit_id}
    for unit in sorted(expected - seen):
        if heads.get(unit, (0, ""))[0] > 0 or unit in (checkpoint.heads if checkpoint else {}):
            report.note(_gap(unit, 1, "HEAD", "the whole chain is missing"))
    report.units = len(seen | expected)


def _versions_of(rows: Iterator[RowMapping]) -> Iterator[tuple[int, list[RowMapping]]]:
    for source_id, group in groupby(rows, key=lambda r: r["source_id"]):
        yield source_id, list(group)


def _merge(
    versions: Iterator[tuple[int, list[RowMapping]]], rows: Iterator[RowMapping]
) -> Iterator[tuple[list[RowMapping], RowMapping | None]]:
    """Pairs (a row's entries, the row) by id, either side possibly empty."""
    v = next(versions, None)
    r = next(rows, None)
    while v is not None or r is not None:
        if r is None or (v is not None and v[0] < r["id"]):
            assert v is not None
            yield v[1], None
            v = next(versions, None)
        elif v is None or r["id"] < v[0]:
            yield [], r
            r = next(rows, None)
        else:
            yield v[1], r
            v, r = next(versions, None), next(rows, None)


def _check_row(
    name: str,
    entries: list[RowMapping],
    row: RowMapping | None,
    kept_since: datetime,
    report: Report,
) -> None:
    def at(entry: Entry, problem: str, detail: str) -> None:
        report.note(_entry_break({**entry, "source_table": name}, problem, detail))

    for number, entry in enumerate(entries, start=1):
        if entry["source_version"] != number:
            at(entry, "VERSION", f"version {entry['source_version']} where {number} belongs")
            return
    if row is None:
        newest = entries[-1]
        if newest["recorded_at"] > kept_since:
            at(newest, "SOURCE_MISSING", f"{name} {newest['source_id']} was deleted")
        return
    if not entries:
        report.note(
            Break(
                row["_unit_id"],
                None,
                None,
                name,
                row["id"],
                None,
                "NOT_ARCHIVED",
                f"{name} {row['id']} has no archive entry",
            )
        )
        return
    newest = entries[-1]
    if newest["unit_id"] != row["_unit_id"]:
        at(newest, "WRONG_UNIT", f"the row belongs to unit {row['_unit_id']}, not this chain")
    elif canonical.content(table(name), row) != newest["content"]:
        at(newest, "SOURCE_CHANGED", f"{name} {row['id']} differs from its archived version")


def check_sources(
    conn: Connection, unit_id: int | None, retention_years: int, report: Report, tick: Progress
) -> None:
    """Pass 2: every archived row against its newest archived version."""
    kept_since = utcnow() - timedelta(days=366 * retention_years)
    for name in SOURCES:
        versions = _versions_of(archive.stream_versions(conn, name, unit_id))
        for entries, row in _merge(versions, archive.stream_sources(conn, name, unit_id)):
            if row is not None:
                report.rows += 1
                tick(1)
            _check_row(name, entries, row, kept_since, report)


def verify(
    conn: Connection,
    *,
    retention_years: int,
    unit_id: int | None = None,
    checkpoint: Checkpoint | None = None,
    progress: Callable[[str, int], Progress] | None = None,
) -> Report:
    """Check the chains (of one unit, or all); ``progress(label, total)`` gives a ticker."""
    report = Report(checkpoint=checkpoint)

    def ticker(label: str, total: int) -> Progress:
        return progress(label, total) if progress else (lambda _n: None)

    check_chains(
        conn, unit_id, checkpoint, report, ticker("chains", archive.entry_count(conn, unit_id))
    )
    check_sources(conn, unit_id, retention_years, report, ticker("rows", 0))
    report.codes = archive.unit_codes(conn, sorted(report.breaks)) if report.breaks else {}
    return report


def describe(found: Break, code: str | None) -> str:
    """One line naming the first broken entry."""
    where = f"seq {found.seq}" if found.seq is not None else "no entry"
    source = (
        f"{found.source_table} {found.source_id}"
        + (f" v{found.source_version}" if found.source_version is not None else "")
        if found.source_table
        else "-"
    )
    return (
        f"unit {code or found.unit_id} (id {found.unit_id}): first broken entry {where}, "
        f"kind {found.kind or '-'}, source {source}: {found.problem}: {found.detail}"
    )
