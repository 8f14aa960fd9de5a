"""The typed per-request context every resolver receives (EXAMPLES #8)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as _Info

from services.audit import AuditSink, OperationAudit
from services.identity import Identity
from services.reading import EVERYTHING, NO_MASK, FieldMask, RowScope, RowsSeen
from services.rulesets import DEFAULT_RULESET
from services.search import SearchBackend
from services.stats_suppression import DEFAULT_MIN_CELL_UNITS
from services.write_access import NO_ACCESS, Access


@dataclass
class RequestContext:
    request: Request
    response: Response
    session: AsyncSession  # one per request; committed or rolled back once, at the end
    identity: Identity
    scope: RowScope = EVERYTHING  # rows the identity may read (policies/scope.py)
    mask: FieldMask = NO_MASK  # protected columns it may see (R-4.2-privacy)
    aggregate_scope: RowScope = EVERYTHING  # rows its statistics may count
    access: Access = NO_ACCESS  # what it may write (services/write_access.py); none by default
    # graphql-core runs sibling root fields concurrently; one AsyncSession must not be.
    db_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The audit log (services/audit.py): the server's writer, and what this operation returned.
    # Without a writer (schema-level tests, tools) nothing is collected or computed for it.
    audit_log: AuditSink | None = None
    audit: OperationAudit = field(default_factory=OperationAudit)
    # The HTTP view writes the response with orjson (server/json_codec.py): compiled reads
    # then return the database's JSON text (JsonText), neither parsed nor re-serialized.
    # Schema-level callers keep parsed values in ``result.data``.
    json_text: bool = False
    # The standard's parameters: a pinned ruleset id, or "" for the one in force on the day
    # (ANZEXIAN_RULESET, services/rulesets/).
    ruleset: str = DEFAULT_RULESET
    # The full-text search backend of the process (services/search.py); None: not configured.
    search: SearchBackend | None = None
    # The public's stats leave out groups of fewer units (ANZEXIAN_PUBLIC_MIN_CELL_UNITS).
    public_min_cell_units: int = DEFAULT_MIN_CELL_UNITS

    def audit_reads(self, type_name: str) -> Callable[[RowsSeen], None] | None:
        """The recorder of the rows a compiled read returned at every level (root, to-one hops,
        nested lists), or None when nothing is audited."""
        return None if self.audit_log is None else self.audit.reads(type_name)


Info = _Info[RequestContext, None]
