"""Tampering with the database directly, the way a DBA could with the triggers switched off,
and ``verify`` naming the first broken entry every time (R-7.4-archive, issue 6 "Done when").

Each case runs in its own rolled-back transaction on both backends: a scene of two units
(tests/services/archive/scene.py), one tamper, one verification of every chain.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from services.archive.checkpoint import Checkpoint, Head, read, sign
from services.archive.verify import describe
from store.archive import canonical
from store.base import utcnow
from store.models.archive_entry import ArchiveEntry
from store.repositories import archive_entry as archive
from tests.services.archive.scene import Scene, act_as_dba, build_scene, entries_of, run_verify, sql


@dataclass(frozen=True, slots=True)
class Expected:
    unit: int  # index into scene.units
    seq: int | None  # the first broken entry; None: a row with no entry
    problem: str


Tamper = Callable[[AsyncSession, Scene], Awaitable[Expected]]


def _first(entries: list[ArchiveEntry], table: str) -> ArchiveEntry:
    return next(e for e in entries if e.source_table == table)


async def edit_source_field(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[0].id)
    ledger = _first(entries, "fee_ledger_entry")
    await sql(
        session, "UPDATE fee_ledger_entry SET amount = amount + 1 WHERE id = :i", i=ledger.source_id
    )
    return Expected(0, ledger.seq, "SOURCE_CHANGED")


async def edit_source_without_archiving(session: AsyncSession, scene: Scene) -> Expected:
    # ``place`` may change (a correction): the database lets it, but only the ORM archives
    # the change; a bare UPDATE leaves the row different from its newest archived version.
    entries = await entries_of(session, scene.units[1].id)
    record = _first(entries, "service_record")
    await sql(session, "UPDATE service_record SET place = '别处' WHERE id = :i", i=record.source_id)
    return Expected(1, record.seq, "SOURCE_CHANGED")


async def edit_entry_content(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[0].id)
    ledger = _first(entries, "fee_ledger_entry")
    await sql(
        session,
        "UPDATE archive_entry SET content = replace(content, '\"10000.00\"', '\"1.00\"') "
        "WHERE id = :i",
        i=ledger.id,
    )
    return Expected(0, ledger.seq, "HASH")


async def edit_hash(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[0].id)
    target = entries[2]
    await sql(session, "UPDATE archive_entry SET hash = :h WHERE id = :i", h="f" * 64, i=target.id)
    return Expected(0, target.seq, "HASH")


async def edit_recorded_at(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[1].id)
    target = entries[4]
    moved = target.recorded_at - timedelta(days=365)
    await sql(
        session, "UPDATE archive_entry SET recorded_at = :t WHERE id = :i", t=moved, i=target.id
    )
    return Expected(1, target.seq, "HASH")


async def delete_entry(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[0].id)
    target = entries[3]
    await sql(session, "DELETE FROM archive_entry WHERE id = :i", i=target.id)
    return Expected(0, target.seq, "SEQUENCE")


async def truncate_tail(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[0].id)
    cut = entries[-2].seq
    await sql(
        session,
        "DELETE FROM archive_entry WHERE unit_id = :u AND seq >= :s",
        u=scene.units[0].id,
        s=cut,
    )
    return Expected(0, cut, "HEAD")


async def reorder(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[1].id)
    a, b = entries[2], entries[3]
    await sql(session, "UPDATE archive_entry SET seq = -1 WHERE id = :i", i=a.id)
    await sql(session, "UPDATE archive_entry SET seq = :s WHERE id = :i", s=a.seq, i=b.id)
    await sql(session, "UPDATE archive_entry SET seq = :s WHERE id = :i", s=b.seq, i=a.id)
    return Expected(1, a.seq, "PREV_HASH")


async def forge_entry(session: AsyncSession, scene: Scene) -> Expected:
    # A forger who knows the algorithm: a well-chained entry for a row that never existed.
    entries = await entries_of(session, scene.units[0].id)
    last = entries[-1]
    seq = last.seq + 1
    content = canonical.dumps({"amount": "99999.00", "id": 999_999})
    at = last.recorded_at
    digest = canonical.entry_hash(
        last.hash,
        unit_id=last.unit_id,
        seq=seq,
        kind="fee_ledger",
        source_table="fee_ledger_entry",
        source_id=999_999,
        source_version=1,
        recorded_at=at,
        content_text=content,
    )
    session.add(
        ArchiveEntry(
            unit_id=last.unit_id,
            insurer_id=last.insurer_id,
            seq=seq,
            kind="fee_ledger",
            source_table="fee_ledger_entry",
            source_id=999_999,
            source_version=1,
            content=content,
            prev_hash=last.hash,
            hash=digest,
            recorded_at=at,
        )
    )
    await session.flush()
    await sql(
        session,
        "UPDATE archive_head SET seq = :s, hash = :h WHERE unit_id = :u",
        s=seq,
        h=digest,
        u=last.unit_id,
    )
    return Expected(0, seq, "SOURCE_MISSING")


async def swap_between_units(session: AsyncSession, scene: Scene) -> Expected:
    mine = (await entries_of(session, scene.units[0].id))[1]
    theirs = (await entries_of(session, scene.units[1].id))[1]
    assert mine.seq == theirs.seq
    await sql(session, "UPDATE archive_entry SET seq = -1 WHERE id = :i", i=mine.id)
    await sql(
        session, "UPDATE archive_entry SET unit_id = :u WHERE id = :i", u=mine.unit_id, i=theirs.id
    )
    await sql(
        session,
        "UPDATE archive_entry SET unit_id = :u, seq = :s WHERE id = :i",
        u=theirs.unit_id,
        s=theirs.seq,
        i=mine.id,
    )
    return Expected(0, mine.seq, "PREV_HASH")


async def change_entry_version(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[0].id)
    scheme = _first(entries, "service_scheme")
    await sql(session, "UPDATE archive_entry SET source_version = 2 WHERE id = :i", i=scheme.id)
    return Expected(0, scheme.seq, "HASH")


async def change_scheme_version(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[1].id)
    scheme = _first(entries, "service_scheme")
    await sql(session, "UPDATE service_scheme SET version = 7 WHERE id = :i", i=scheme.source_id)
    return Expected(1, scheme.seq, "SOURCE_CHANGED")


async def delete_source_row(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[1].id)
    complaint = _first(entries, "complaint")
    await sql(session, "DELETE FROM complaint WHERE id = :i", i=complaint.source_id)
    return Expected(1, complaint.seq, "SOURCE_MISSING")


async def insert_unarchived_row(session: AsyncSession, scene: Scene) -> Expected:
    policy = scene.policies[0]
    await sql(
        session,
        "INSERT INTO fee_ledger_entry (insurer_id, unit_id, policy_id, kind, amount, occurred_on, "
        "purpose, created_at) VALUES (:i, :u, :p, 'expenditure', 5.00, '2024-05-01', '伪造', "
        "CURRENT_TIMESTAMP)",
        i=policy.insurer_id,
        u=policy.unit_id,
        p=policy.id,
    )
    return Expected(0, None, "NOT_ARCHIVED")


async def move_source_to_other_unit(session: AsyncSession, scene: Scene) -> Expected:
    entries = await entries_of(session, scene.units[0].id)
    complaint = _first(entries, "complaint")
    await sql(
        session,
        "UPDATE complaint SET unit_id = :u WHERE id = :i",
        u=scene.units[1].id,
        i=complaint.source_id,
    )
    return Expected(0, complaint.seq, "WRONG_UNIT")


TAMPERS: list[Tamper] = [
    edit_source_field,
    edit_source_without_archiving,
    edit_entry_content,
    edit_hash,
    edit_recorded_at,
    delete_entry,
    truncate_tail,
    reorder,
    forge_entry,
    swap_between_units,
    change_entry_version,
    change_scheme_version,
    delete_source_row,
    insert_unarchived_row,
    move_source_to_other_unit,
]


async def test_an_untouched_archive_verifies(session: AsyncSession) -> None:
    scene = await build_scene(session)
    report = await run_verify(session)
    assert report.units == 2 and all([await entries_of(session, u.id) for u in scene.units])
    assert report.intact, [describe(b, None) for b in report.breaks.values()]
    assert report.entries >= 2 * 12
    assert report.entries == report.rows  # one version of every row, nothing updated


@pytest.mark.parametrize("tamper", TAMPERS, ids=lambda t: t.__name__)
async def test_verify_names_the_first_broken_entry(session: AsyncSession, tamper: Tamper) -> None:
    scene = await build_scene(session)
    await act_as_dba(session)
    expected = await tamper(session, scene)
    report = await run_verify(session)
    unit_id = scene.units[expected.unit].id
    assert unit_id in report.breaks, f"{tamper.__name__} went unnoticed"
    found = report.breaks[unit_id]
    assert (found.seq, found.problem) == (expected.seq, expected.problem), describe(found, None)
    # Only the tampered chains break (a swap breaks both units).
    assert set(report.breaks) <= {u.id for u in scene.units}
    one = await run_verify(session, unit_id=unit_id)  # `verify --unit` finds it too
    assert (one.breaks[unit_id].seq, one.breaks[unit_id].problem) == (found.seq, found.problem)


async def _checkpoint(session: AsyncSession, key: Ed25519PrivateKey, path: Path) -> Checkpoint:
    conn = await session.connection()

    def heads(sync: Connection) -> list[Head]:
        return [Head(u, "", s, h) for u, s, h in archive.last_entries(sync)]

    document = sign(key, utcnow(), await conn.run_sync(heads))
    return _exported(document, key, path)


def _exported(document: dict[str, object], key: Ed25519PrivateKey, path: Path) -> Checkpoint:
    """Through a file and back, as the CLI hands it over."""
    path.write_text(json.dumps(document), encoding="utf-8")
    return read(path, key.public_key())


async def _rewrite_chain(session: AsyncSession, unit_id: int, from_seq: int) -> None:
    """What a DBA who knows the algorithm does: change an entry (and its row) and recompute
    every later hash and the head, so the chain is consistent again."""
    entries = await entries_of(session, unit_id)
    prev = entries[from_seq - 2].hash if from_seq > 1 else canonical.GENESIS
    for entry in entries[from_seq - 1 :]:
        content = entry.content
        if entry.seq == from_seq:
            assert entry.source_table == "fee_ledger_entry"
            content = content.replace('"10000.00"', '"1.00"')
            await sql(
                session,
                "UPDATE fee_ledger_entry SET amount = 1.00 WHERE id = :i",
                i=entry.source_id,
            )
        digest = canonical.entry_hash(
            prev,
            unit_id=entry.unit_id,
            seq=entry.seq,
            kind=entry.kind,
            source_table=entry.source_table,
            source_id=entry.source_id,
            source_version=entry.source_version,
            recorded_at=entry.recorded_at,
            content_text=content,
        )
        await sql(
            session,
            "UPDATE archive_entry SET content = :c, prev_hash = :p, hash = :h WHERE id = :i",
            c=content,
            p=prev,
            h=digest,
            i=entry.id,
        )
        prev = digest
    await sql(session, "UPDATE archive_head SET hash = :h WHERE unit_id = :u", h=prev, u=unit_id)


async def test_a_consistent_rewrite_is_caught_only_by_the_checkpoint(
    session: AsyncSession, tmp_path: Path
) -> None:
    scene = await build_scene(session)
    checkpoint = await _checkpoint(session, Ed25519PrivateKey.generate(), tmp_path / "cp.json")
    await act_as_dba(session)
    unit_id = scene.units[0].id
    ledger = _first(await entries_of(session, unit_id), "fee_ledger_entry")
    await _rewrite_chain(session, unit_id, ledger.seq)
    session.expire_all()

    assert (await run_verify(session)).intact  # consistent: the chain alone cannot tell
    report = await run_verify(session, checkpoint=checkpoint)
    found = report.breaks[unit_id]
    newest = (await entries_of(session, unit_id))[-1]
    assert (found.seq, found.problem) == (newest.seq, "CHECKPOINT")
    assert set(report.breaks) == {unit_id}


async def test_a_cut_tail_with_its_head_rewound_is_caught_by_the_checkpoint(
    session: AsyncSession, tmp_path: Path
) -> None:
    scene = await build_scene(session)
    checkpoint = await _checkpoint(session, Ed25519PrivateKey.generate(), tmp_path / "cp.json")
    await act_as_dba(session)
    unit_id = scene.units[1].id
    entries = await entries_of(session, unit_id)
    keep = entries[-2]
    await sql(session, "DELETE FROM archive_entry WHERE id = :i", i=entries[-1].id)
    await sql(
        session,
        "UPDATE archive_head SET seq = :s, hash = :h WHERE unit_id = :u",
        s=keep.seq,
        h=keep.hash,
        u=unit_id,
    )
    # and the row of the dropped entry, so nothing points at the cut
    await sql(
        session, f"DELETE FROM {entries[-1].source_table} WHERE id = :i", i=entries[-1].source_id
    )

    assert (await run_verify(session)).intact
    report = await run_verify(session, checkpoint=checkpoint)
    assert (report.breaks[unit_id].seq, report.breaks[unit_id].problem) == (
        entries[-1].seq,
        "CHECKPOINT",
    )
