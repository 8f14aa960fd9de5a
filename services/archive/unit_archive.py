"""A unit's archive as GraphQL shows it (R-7.4-archive): its entries page by page, which of
the ruleset's ``[retention] documents`` it holds, and whether its chain is intact.

Authorized by the policy, never here: the entries come through the scope of
``archive_entry`` (regulators: units of their jurisdiction; insurers: their own entries;
units: their own chain), and the unit asked about must lie inside the units that scope
reaches, or it is "not found" (EXAMPLES #4). Completeness counts what the reader may see.
Integrity is a trusted recomputation of the whole chain (services/archive/verify.py): it
tells "intact" or "broken at seq N", never another insurer's content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from policies.identity import RoleGrant
from policies.resources import ScopeKind
from policies.scope import anchored
from services.archive.verify import verify
from services.errors import DomainError, NotFoundError
from services.reading import Direction, page_args
from services.rulesets.model import Ruleset
from store.archive.sources import AGENCY, EVALUATIONS
from store.models.archive_entry import ArchiveEntry
from store.repositories import archive_entry as archive
from store.repositories.archive_entry import ArchiveEntryRepository
from store.repositories.base import RowScope

RESOURCE = "archive_entry"
CURSOR_PREFIX = "archive|"
# A chain longer than this is not recomputed inside a request: "unverified", and
# ``anzexian verify --unit CODE`` checks it offline.
VERIFY_IN_REQUEST_MAX = 20_000


class ArchiveScope(RowScope, Protocol):
    def grant_kinds(self, resource: str) -> list[tuple[RoleGrant, ScopeKind]]: ...


class DocumentState(StrEnum):
    PRESENT = "present"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"  # no agency served the unit: no agency records to keep
    NOT_IN_CHAIN = "not_in_chain"  # evaluation reports: the insurer's, versioned elsewhere


class IntegrityState(StrEnum):
    INTACT = "intact"
    BROKEN = "broken"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class Document:
    document: str
    state: DocumentState
    entries: int


@dataclass(frozen=True, slots=True)
class Integrity:
    state: IntegrityState
    seq: int | None = None  # the first broken entry (None: a row missing from the chain)
    problem: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class EntryPage:
    entries: Sequence[ArchiveEntry]
    more: bool


class BadArchiveCursor(DomainError):
    code = "BAD_CURSOR"


def cursor_of(seq: int) -> str:
    return f"{CURSOR_PREFIX}{seq}"


def _after_seq(cursor: str | None) -> int:
    if cursor is None:
        return 0
    digits = cursor.removeprefix(CURSOR_PREFIX)
    if not cursor.startswith(CURSOR_PREFIX) or not digits.isascii() or not digits.isdigit():
        raise BadArchiveCursor(
            "游标无效：请使用本列表返回的游标", "bad cursor: use a cursor this list returned"
        )
    return int(digits)


async def visible_unit(session: AsyncSession, scope: ArchiveScope, unit_id: int) -> None:
    """Not found unless the unit lies inside the units the reader's archive scope reaches."""
    grants = scope.grant_kinds(RESOURCE)
    repository = ArchiveEntryRepository(session, scope)
    if not await repository.unit_visible(
        unit_id, lambda unit: anchored(grants, "insured_unit", unit)
    ):
        raise NotFoundError("insured unit", f"InsuredUnit:{unit_id}")


async def entries(
    session: AsyncSession,
    scope: ArchiveScope,
    unit_id: int,
    *,
    first: int | None,
    after: str | None,
) -> EntryPage:
    """A page of the unit's chain in ``seq`` order (keyset on seq)."""
    page = page_args(
        first=first,
        after=after,
        last=None,
        before=None,
        filter={},
        sort="seq",
        direction=Direction.ASC,
    )
    rows = await ArchiveEntryRepository(session, scope).page(
        unit_id, _after_seq(after), page.size + 1
    )
    return EntryPage(rows[: page.size], len(rows) > page.size)


async def completeness(
    session: AsyncSession, scope: ArchiveScope, unit_id: int, ruleset: Ruleset
) -> list[Document]:
    """Each document kind of the ruleset's ``[retention] documents``, present or missing."""
    counts = await ArchiveEntryRepository(session, scope).kind_counts(unit_id)
    out = []
    for document in ruleset.retention.documents:
        found = counts.get(document, 0)
        if found:
            state = DocumentState.PRESENT
        elif document == EVALUATIONS:
            state = DocumentState.NOT_IN_CHAIN
        elif document == AGENCY:
            state = DocumentState.NOT_APPLICABLE
        else:
            state = DocumentState.MISSING
        out.append(Document(document, state, found))
    return out


async def integrity(session: AsyncSession, unit_id: int, ruleset: Ruleset) -> Integrity:
    """Recompute the unit's whole chain against its rows (trusted: unscoped, read-only)."""
    conn = await session.connection()

    def run(sync: Connection) -> Any:
        if archive.entry_count(sync, unit_id) > VERIFY_IN_REQUEST_MAX:
            return None
        return verify(sync, retention_years=ruleset.retention.years, unit_id=unit_id)

    report = await conn.run_sync(run)
    if report is None:
        return Integrity(IntegrityState.UNVERIFIED)
    found = report.breaks.get(unit_id)
    if found is None:
        return Integrity(IntegrityState.INTACT)
    return Integrity(IntegrityState.BROKEN, found.seq, found.problem, found.detail)
