"""Who may write what (issue 4): the policy's write actions, enforced around every write.

A write is authorized in three steps, all through the one scope compiler
(policies/scope.py), so the rules stay in the policy and never in a resolver:

1. **The action at all**: a role with no policy row for (resource, action) is refused
   before anything is read (``FORBIDDEN``).
2. **What it reads**: every repository the write's services build sees only what the
   writer may read, or name (``refer``), so another tenant's policy, unit or record is an
   unknown reference, exactly like a missing one (EXAMPLES #4).
3. **What it wrote**: after the write, inside its savepoint, the written row must lie within
   the writer's scope for the action (an insurer's own tenant, a unit's own records, an
   agency's assigned work); otherwise the savepoint rolls back (``OUT_OF_SCOPE``). Checking
   the row as stored, in SQL, covers every way the input could have pointed elsewhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, false
from sqlalchemy.ext.asyncio import AsyncSession

from policies.identity import RoleGrant
from policies.resources import Action, ScopeKind
from services.errors import DomainError
from store.repositories.base import RowScope, bound_scope, row_within

__all__ = ["NO_ACCESS", "Access", "Action", "ForbiddenError", "WriteGuard", "guarded"]

T = TypeVar("T")


class ActionScope(RowScope, Protocol):
    def allows(self, resource: str) -> bool:
        """Whether any of the identity's grants may take this action on ``resource``."""
        ...

    def grant_kinds(self, resource: str) -> list[tuple[RoleGrant, ScopeKind]]:
        """Each grant that may take this action on ``resource``, with its scope kind."""
        ...


class Access(Protocol):
    """An identity's rights under the policy (implemented by ``policies.scope.Scope``)."""

    def for_action(self, action: Action) -> ActionScope: ...


class _Nothing:
    def allows(self, resource: str) -> bool:
        return False

    def grant_kinds(self, resource: str) -> list[tuple[RoleGrant, ScopeKind]]:
        return []

    def where(self, entity: Any) -> ColumnElement[bool]:
        return false()


class _NoAccess:
    def for_action(self, action: Action) -> ActionScope:
        return _Nothing()


# A context built without the policy's answer writes nothing (fail closed).
NO_ACCESS: Access = _NoAccess()


class ForbiddenError(DomainError):
    """The policy does not let this principal make this write."""

    code = "FORBIDDEN"


def _forbidden(resource: str, action: Action) -> ForbiddenError:
    return ForbiddenError(
        f"无权执行此操作（{resource}: {action.value}）",
        f"not permitted: {action.value} on {resource}",
    )


def _out_of_scope(resource: str) -> ForbiddenError:
    return ForbiddenError(
        f"写入的数据不在您的权限范围内（{resource}），未写入任何数据",
        f"the {resource} written lies outside your scope; nothing was written",
        code="OUT_OF_SCOPE",
    )


@dataclass(frozen=True, slots=True)
class WriteGuard:
    """The three checks of one write of ``action`` on ``resource`` (see the module doc)."""

    access: Access
    resource: str  # the policy's resource, the table's name
    action: Action

    def admit(self) -> None:
        if not self.access.for_action(self.action).allows(self.resource):
            raise _forbidden(self.resource, self.action)

    @contextmanager
    def reading(self, session: AsyncSession) -> Iterator[None]:
        with bound_scope(session, self.access.for_action(Action.REFER)):
            yield

    async def confirm(self, session: AsyncSession, key: int) -> None:
        scope = self.access.for_action(self.action)
        if not await row_within(session, self.resource, key, scope):
            raise _out_of_scope(self.resource)


async def guarded(
    session: AsyncSession,
    guard: WriteGuard,
    write: Callable[[], Awaitable[T]],
    key: Callable[[T], int],
) -> T:
    """``write`` under ``guard``; the caller runs it inside a savepoint, so a refusal after
    the write (``OUT_OF_SCOPE``) leaves nothing behind."""
    guard.admit()
    with guard.reading(session):
        result = await write()
    await guard.confirm(session, key(result))
    return result
