"""The generator is pure and its chunks are writable in the order they come."""

from __future__ import annotations

from collections import Counter

import store.models  # noqa: F401  (registers every table)
from store.base import Base
from store.demo.columns import COLUMNS, NOT_GENERATED
from store.demo.generate import digest, generate


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first = digest(generate("demo", 11))
    assert digest(generate("demo", 11)) == first
    assert digest(generate("demo", 12)) != first


def test_every_table_is_filled_and_every_required_column_given() -> None:
    tables = Base.metadata.tables
    assert set(COLUMNS) == set(tables) - NOT_GENERATED
    for name, columns in COLUMNS.items():
        table = tables[name]
        assert set(columns) <= set(table.c.keys()), name
        required = {
            c.name
            for c in table.c
            if not c.nullable
            and c.default is None
            and c.server_default is None
            and not (c.primary_key and c.autoincrement is True)
        }
        assert required - {"id"} <= set(columns), (name, required - set(columns))


def test_chunks_come_in_foreign_key_order() -> None:
    seen: set[str] = set()
    for chunk in generate("demo", 11):
        table = Base.metadata.tables[chunk.table]
        referenced = {fk.column.table.name for fk in table.foreign_keys} - {chunk.table}
        assert referenced <= seen, (chunk.table, referenced - seen)
        seen.add(chunk.table)


def test_demo_scale_is_small_and_varied() -> None:
    counts: Counter[str] = Counter()
    statuses: Counter[object] = Counter()
    for chunk in generate("demo", 11):
        counts[chunk.table] += len(chunk.rows)
        if chunk.table == "service_record":
            i = chunk.columns.index("status")
            statuses.update(row[i] for row in chunk.rows)
    assert counts["insured_unit"] == 300
    assert 2_000 <= counts["service_record"] <= 8_000
    assert set(statuses) == {"planned", "completed", "confirmed", "disputed"}
    assert sum(counts.values()) < 80_000
