"""An in-memory audit sink and a request context that audits into it (schema-level tests of
what an entry holds; the writer that stores entries is tested in tests/server)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.resources import Action
from policies.scope import Scope
from resolvers.context import RequestContext
from services.audit import NewAuditEntry
from services.identity import Identity

DECISIONS = Decisions(default_rules())


class Collected:
    """Keeps each submitted entry, in order."""

    def __init__(self) -> None:
        self.entries: list[NewAuditEntry] = []

    async def submit(self, entry: NewAuditEntry) -> None:
        self.entries.append(entry)

    @property
    def only(self) -> NewAuditEntry:
        assert len(self.entries) == 1, self.entries
        return self.entries[0]


def audited_context(session: AsyncSession, identity: Identity, sink: Collected) -> RequestContext:
    """A context as server/graphql_app.py builds it: the policy's scopes and an audit sink."""
    scope = Scope(identity, DECISIONS.decide)
    return RequestContext(
        request=None,  # type: ignore[arg-type]
        response=None,  # type: ignore[arg-type]
        session=session,
        identity=identity,
        scope=scope,
        mask=scope,
        aggregate_scope=scope.for_action(Action.AGGREGATE),
        access=scope,
        audit_log=sink,
    )
