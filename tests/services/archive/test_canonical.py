"""The canonical form that is hashed (store/archive/canonical.py): the same row gives the same
bytes whatever the backend handed back, and the envelope is canonical JSON."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from store.archive import canonical
from store.base import Base
from store.enums import LedgerEntryKind

LEDGER = Base.metadata.tables["fee_ledger_entry"]
POLICY = Base.metadata.tables["insurance_policy"]


def test_values_take_one_form_each() -> None:
    assert canonical.value(Decimal("1200"), 2) == "1200.00"
    assert canonical.value(Decimal("1200.000"), 2) == "1200.00"
    assert canonical.value(0.05, 4) == "0.0500"  # a float from a driver: by its decimal digits
    assert canonical.value(Decimal("1E+3"), 2) == "1000.00"  # never exponent notation
    beijing = timezone(timedelta(hours=8))
    at = datetime(2024, 3, 1, 16, 0, tzinfo=beijing)
    assert canonical.value(at) == "2024-03-01T08:00:00.000000Z"
    naive = datetime(2024, 3, 1, 8, 0)  # noqa: DTZ001 - what SQLite hands back
    assert canonical.value(naive) == "2024-03-01T08:00:00.000000Z"
    assert canonical.value(date(2024, 3, 1)) == "2024-03-01"
    assert canonical.value(LedgerEntryKind.ALLOCATION) == "allocation"
    assert (
        canonical.value(True) is True and canonical.value(7) == 7 and canonical.value(None) is None
    )
    decomposed = unicodedata.normalize("NFD", "隐患排查 é")
    assert decomposed != "隐患排查 é"
    assert canonical.value(decomposed) == "隐患排查 é"


def test_a_row_is_sorted_compact_utf8_json_of_every_column() -> None:
    row = {c.name: None for c in LEDGER.columns} | {
        "id": 3,
        "amount": Decimal("10000"),
        "purpose": "隐患排查费用",
        "kind": LedgerEntryKind.ALLOCATION,
        "occurred_on": date(2024, 3, 1),
    }
    text = canonical.content(LEDGER, row)
    assert list(json.loads(text)) == sorted(c.name for c in LEDGER.columns)
    assert '"amount":"10000.00"' in text and '"purpose":"隐患排查费用"' in text
    assert " " not in text.replace("隐患排查费用", "")  # no whitespace, no \\u escapes
    ratio = {c.name: None for c in POLICY.columns} | {"prevention_fee_ratio": Decimal("0.05")}
    assert '"prevention_fee_ratio":"0.0500"' in canonical.content(POLICY, ratio)


def test_the_entry_hash_is_sha256_of_prev_hash_and_the_canonical_envelope() -> None:
    content = canonical.dumps({"b": "文字", "a": "1.00", "n": None})
    at = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    envelope = {
        "content": json.loads(content),
        "kind": "fee_ledger",
        "recorded_at": "2026-01-02T03:04:05.000006Z",
        "seq": 3,
        "source_id": 9,
        "source_table": "fee_ledger_entry",
        "source_version": 1,
        "unit_id": 4,
    }
    expected = hashlib.sha256(
        (canonical.GENESIS + canonical.dumps(envelope)).encode("utf-8")
    ).hexdigest()
    got = canonical.entry_hash(
        canonical.GENESIS,
        unit_id=4,
        seq=3,
        kind="fee_ledger",
        source_table="fee_ledger_entry",
        source_id=9,
        source_version=1,
        recorded_at=at,
        content_text=content,
    )
    assert got == expected
    respaced = content.replace(",", ", ")  # same JSON, other bytes: another hash
    assert (
        canonical.entry_hash(
            canonical.GENESIS,
            unit_id=4,
            seq=3,
            kind="fee_ledger",
            source_table="fee_ledger_entry",
            source_id=9,
            source_version=1,
            recorded_at=at,
            content_text=respaced,
        )
        != expected
    )
