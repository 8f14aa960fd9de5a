"""The seeded demo rows as plain Python dictionaries: what the oracle reasons over.

Plain ``SELECT *`` of each table, nothing else: no repository, no scope, no closure table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

import store.models  # noqa: F401  (registers every table on the metadata)
from store.base import Base

Row = dict[str, Any]

# Tables with a string key; every other business table is keyed by ``id``.
CODE_KEYED = {"region": "code", "industry": "code"}
TABLES = (
    "region",
    "industry",
    "insurer",
    "insurer_branch",
    "insured_unit",
    "agency",
    "agency_qualification",
    "agency_status_change",
    "staff_member",
    "staff_training",
    "insurance_policy",
    "policy_service_item",
    "service_scheme",
    "scheme_item",
    "service_record",
    "hazard",
    "follow_up",
    "unit_confirmation",
    "complaint",
    "fee_ledger_entry",
    "agency_contract",
    "annual_evaluation",
    "improvement_measure",
    "principal",
    "role_binding",
)
# Many-to-many tables: (table, source column, target column).
LINK_TABLES = (
    ("scheme_staff", "scheme_id", "staff_id"),
    ("service_record_staff", "service_record_id", "staff_id"),
)


@dataclass
class World:
    tables: dict[str, dict[Any, Row]]
    links: dict[str, list[tuple[int, int]]]
    # Derived indexes, filled once: rows of ``table`` by the value of one column.
    _by: dict[tuple[str, str], dict[Any, list[Any]]] = field(default_factory=dict)

    def row(self, table: str, key: Any) -> Row | None:
        return self.tables[table].get(key)

    def rows(self, table: str) -> Iterable[Row]:
        return self.tables[table].values()

    def by(self, table: str, column: str, value: Any) -> list[Row]:
        """Rows of ``table`` whose ``column`` equals ``value``."""
        index = self._by.get((table, column))
        if index is None:
            index = defaultdict(list)
            for row in self.tables[table].values():
                index[row[column]].append(row)
            self._by[(table, column)] = index
        return index.get(value, [])

    def linked(self, link: str, source: Any) -> list[int]:
        """Targets linked to ``source`` through a many-to-many table, in key order."""
        index = self._by.get((link, "*"))
        if index is None:
            index = defaultdict(list)
            for a, b in self.links[link]:
                index[a].append(b)
            self._by[(link, "*")] = index
        return index.get(source, [])

    def region_within(self, code: str | None, ancestor: str) -> bool:
        """Whether region ``code`` is ``ancestor`` or lies below it, walking ``parent_code``
        (the closure table the gateway uses is deliberately not read here)."""
        seen = 0
        while code is not None:
            if code == ancestor:
                return True
            region = self.row("region", code)
            code = region["parent_code"] if region else None
            seen += 1
            assert seen < 10, f"region cycle at {code}"
        return False

    def region_chain(self, code: str) -> list[Row]:
        """The region itself, then its parent, up to the province."""
        chain: list[Row] = []
        current: str | None = code
        while current is not None:
            region = self.row("region", current)
            if region is None:
                break
            chain.append(region)
            current = region["parent_code"]
        return chain


def _plain(value: Any) -> Any:
    # String enums come back as enum members; the oracle compares plain values.
    return str(value.value) if isinstance(value, Enum) else value


def plain_row(row: Mapping[Any, Any]) -> Row:
    """A stored row as the world holds it."""
    return {k: _plain(v) for k, v in row.items()}


async def load_world(conn: AsyncConnection) -> World:
    tables: dict[str, dict[Any, Row]] = {}
    for name in TABLES:
        table = Base.metadata.tables[name]
        key = CODE_KEYED.get(name, "id")
        result = await conn.execute(select(table))
        tables[name] = {row[key]: plain_row(row) for row in result.mappings()}
    links: dict[str, list[tuple[int, int]]] = {}
    for name, source, target in LINK_TABLES:
        table = Base.metadata.tables[name]
        result = await conn.execute(select(table.c[source], table.c[target]))
        links[name] = sorted((int(a), int(b)) for a, b in result.all())
    return World(tables=tables, links=links)
