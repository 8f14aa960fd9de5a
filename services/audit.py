"""The audit log's rules (审计日志, issue 4 item 6): what one operation leaves behind.

Each GraphQL operation that executed, and each bulk upload, becomes one entry: the
principal, its roles and a summary of the scope it read through, the sha256 of the document
and of its variables (canonical JSON), and what came back — the primary keys of the rows
returned at every level of the selection, keyed by GraphQL type, plus the insured units they
are about (reads; at most ``MAX_IDS_PER_ENTRY`` ids, the rest counted), the row written
(mutations), the rows created (uploads), or only the number of groups (aggregates, no ids).

The request path only collects (``OperationAudit``); the entry is appended after the answer
is decided, by a write-behind writer outside the request's transaction (server/audit_writer.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

from policies.identity import Identity, RoleGrant
from store.enums import AuditOperationKind, Role
from store.repositories.audit_entry import NewAuditEntry
from store.repositories.graph.audit import RowsSeen

__all__ = [
    "MAX_IDS_PER_ENTRY",
    "AuditOperationKind",
    "AuditSink",
    "NewAuditEntry",
    "OperationAudit",
    "entry_for",
    "scope_summary",
    "sha256_hex",
    "upload_entry",
    "variables_hash",
]


class AuditSink(Protocol):
    async def submit(self, entry: NewAuditEntry) -> None:
        """Queue the entry; waits while the queue is full (back-pressure, never a drop)."""
        ...


# The ids one entry lists, at most: a full page (MAX_PAGE_SIZE, 1,000) of root rows with
# four rows a level below each. Rows past it are counted per type in the entry's
# ``omitted`` (and in ``row_count``), never dropped silently; the units they are about are
# always recorded, whatever the count, so "who read this unit" stays complete. With the
# writer's queue bounded in ids too (server/audit_writer.py), the memory the log may hold
# is bounded whatever the operations return.
MAX_IDS_PER_ENTRY = 5_000


@dataclass
class OperationAudit:
    """What one operation returned, collected by its root fields as they resolve: each row
    once (a unit under 50 records is one row read), in the order first seen."""

    rows: dict[str, list[Any]] = field(default_factory=dict)
    omitted: dict[str, int] = field(default_factory=dict)  # rows past MAX_IDS_PER_ENTRY
    units: set[int] = field(default_factory=set)
    groups: int = 0  # aggregate groups returned (stats)
    aggregate: bool = False
    _seen: set[tuple[str, Any]] = field(default_factory=set, repr=False)

    def reads(self, type_name: str) -> Callable[[RowsSeen], None]:
        """A recorder for the rows one read returned: its root rows of ``type_name`` and
        those of its nested levels under their own types."""

        def record(seen: RowsSeen) -> None:
            for key in seen.keys:
                self._add(type_name, key)
            for nested_type, key in seen.nested:
                self._add(nested_type, key)
            self.units.update(seen.units)

        return record

    def aggregated(self, groups: int) -> None:
        self.aggregate = True
        self.groups += groups

    def wrote(self, type_name: str, key: Any) -> None:
        self._add(type_name, key)

    def rolled_back(self) -> None:
        """The operation's transaction was rolled back: nothing it wrote was kept."""
        self.rows.clear()
        self.omitted.clear()
        self._seen.clear()

    def _add(self, type_name: str, key: Any) -> None:
        if (type_name, key) in self._seen:
            return
        self._seen.add((type_name, key))
        if len(self._seen) <= MAX_IDS_PER_ENTRY:
            self.rows.setdefault(type_name, []).append(key)
        else:
            self.omitted[type_name] = self.omitted.get(type_name, 0) + 1

    @property
    def row_count(self) -> int:
        return self.groups + len(self._seen)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def variables_hash(variables: dict[str, Any] | None) -> str:
    """sha256 of the variables as canonical JSON: sorted keys, no spaces, UTF-8; no
    variables and ``{}`` hash the same."""
    canonical = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(canonical).hexdigest()


def _grant_summary(grant: RoleGrant) -> str:
    role = grant.role
    if role is Role.REGULATOR and grant.region_code is not None:
        text = f"regulator@jurisdiction:{grant.region_code}"
        if grant.industry_codes:
            text += "+industries:" + ",".join(grant.industry_codes)
        return text
    if role is Role.INSURER and grant.insurer_id is not None:
        return f"insurer@tenant:{grant.insurer_id}"
    if role is Role.UNIT and grant.unit_id is not None:
        return f"unit@unit:{grant.unit_id}"
    if role is Role.AGENCY and grant.agency_id is not None:
        return f"agency@agency:{grant.agency_id}"
    return role.value


def scope_summary(identity: Identity) -> str:
    """Each grant's subject as text, e.g. ``regulator@jurisdiction:440000; admin``."""
    return "; ".join(_grant_summary(g) for g in identity.grants)


def entry_for(
    identity: Identity,
    *,
    at: datetime,
    kind: AuditOperationKind,
    operation_name: str | None,
    document: str,
    variables: dict[str, Any] | None,
    audit: OperationAudit,
) -> NewAuditEntry:
    return NewAuditEntry(
        at=at,
        principal=identity.name,
        roles=tuple(role.value for role in identity.roles),
        scope=scope_summary(identity),
        kind=kind,
        operation_name=operation_name,
        operation_hash=sha256_hex(document),
        variables_hash=variables_hash(variables),
        row_count=audit.row_count,
        rows=audit.rows,
        omitted=audit.omitted,
        aggregate=audit.aggregate,
        subjects=frozenset(audit.units),
    )


def upload_entry(
    identity: Identity, *, at: datetime, operation: str, created: int
) -> NewAuditEntry:
    """A bulk upload (``bulk:<kind>``): how many rows it created, no ids (an upload may create
    millions; its answer lists them) and no body hash (the body is streamed, never kept)."""
    return NewAuditEntry(
        at=at,
        principal=identity.name,
        roles=tuple(role.value for role in identity.roles),
        scope=scope_summary(identity),
        kind=AuditOperationKind.BULK,
        operation_name=operation,
        operation_hash=sha256_hex(operation),
        variables_hash=variables_hash(None),
        row_count=created,
    )
