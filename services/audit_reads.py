"""Who read this unit's archive (审计日志): the audit entries naming an insured unit among the
units whose archive rows they returned, newest first (R-7.4-archive, R-7.5-sharing).

Authorized by the policy, never here: the entries come through the scope of ``audit_entry``
(regulators: entries about a unit of their jurisdiction; admins: all; nobody else), and the
unit asked about must itself lie inside that scope, so a unit outside it is "not found"
rather than an empty list that would confirm it exists (EXAMPLES #4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import true
from sqlalchemy.ext.asyncio import AsyncSession

from policies.identity import RoleGrant
from policies.resources import ScopeKind
from policies.scope import anchored
from services.errors import DomainError, NotFoundError
from services.reading import Direction, page_args
from services.validation.time import TimeChecks
from store.repositories.audit_entry import AuditEntryRepository, EntryPage
from store.repositories.base import EVERYTHING, RowScope

AUDIT_RESOURCE = "audit_entry"
CURSOR_PREFIX = "audit|"


class AuditScope(RowScope, Protocol):
    """The read scope of an identity (``policies.scope.Scope`` for the read action)."""

    def grant_kinds(self, resource: str) -> list[tuple[RoleGrant, ScopeKind]]: ...


@dataclass(frozen=True, slots=True)
class ArchiveReadsQuery:
    unit_id: int
    first: int | None = None
    after: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


class BadAuditCursor(DomainError):
    code = "BAD_CURSOR"


def cursor_of(entry_id: int) -> str:
    return f"{CURSOR_PREFIX}{entry_id}"


def _before_id(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    digits = cursor.removeprefix(CURSOR_PREFIX)
    if not cursor.startswith(CURSOR_PREFIX) or not digits.isascii() or not digits.isdigit():
        raise BadAuditCursor(
            "游标无效：请使用本列表返回的游标", "bad cursor: use a cursor this list returned"
        )
    return int(digits)


async def archive_reads(
    session: AsyncSession, scope: AuditScope, query: ArchiveReadsQuery
) -> EntryPage:
    page = page_args(
        first=query.first,
        after=query.after,
        last=None,
        before=None,
        filter={},
        sort="id",
        direction=Direction.DESC,
    )
    checks = TimeChecks()
    since = checks.aware("from", query.since, required=False)
    until = checks.aware("to", query.until, required=False)
    checks.in_order("from", since, "to", until, allow_equal=False)
    checks.raise_if_any()
    before_id = _before_id(query.after)
    repository = AuditEntryRepository(session, scope)
    grants = scope.grant_kinds(AUDIT_RESOURCE)
    visible = await repository.unit_visible(
        query.unit_id, lambda unit: anchored(grants, "insured_unit", unit)
    )
    if not visible:
        raise NotFoundError("insured unit", f"InsuredUnit:{query.unit_id}")
    return await repository.of_unit(
        query.unit_id, limit=page.size, before_id=before_id, since=since, until=until
    )


async def who_read(
    session: AsyncSession, unit_id: int, *, since: datetime | None, limit: int
) -> EntryPage:
    """Operators' view (``anzexian audit who-read``): every entry about the unit, newest
    first, unscoped — the command runs with the database's own credentials."""
    repository = AuditEntryRepository(session, EVERYTHING)
    if not await repository.unit_visible(unit_id, lambda unit: true()):
        raise NotFoundError("insured unit", f"InsuredUnit:{unit_id}")
    return await repository.of_unit(unit_id, limit=limit, since=since)
