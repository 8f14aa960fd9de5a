"""The one place a write's expected failures become schema types (EXAMPLES #6, #7).

Each mutation field runs its write inside a SAVEPOINT of the request's transaction. A
refusal (``InputError``, ``NotFoundError``, ``ConflictError``) rolls back to that savepoint
and comes back as ``InputErrors`` / ``NotFound`` / ``Conflict``: a union member, not a
GraphQL error, so the request's transaction (resolvers.transaction) still commits, and must
hold nothing of the refused write. The savepoint makes that explicit (the services already
refuse before writing) and keeps the other mutation fields of the same operation: in
``mutation { a: createPolicy(...) b: createScheme(...) }`` a refused ``b`` leaves ``a``
written, as its success result says. Any other exception propagates: the whole request
rolls back and the error is masked (resolvers.root).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import Info
from resolvers.refusals import note_refusal
from schema.errors import Conflict, FieldError, Forbidden, InputErrors, NotFound
from schema.ids import global_id
from schema.payloads.base import WriteSuccess
from services.errors import ConflictError, InputError, NotFoundError
from services.idempotency import IdempotentOutcome, run_idempotent
from services.write_access import Action, ForbiddenError, WriteGuard, guarded

__all__ = ["Action", "create_once", "node_id", "write_outcome"]

S = TypeVar("S", bound=WriteSuccess)
R = TypeVar("R")


async def write_outcome(
    info: Info, write: Callable[[AsyncSession], Awaitable[S]], resource: str, action: Action
) -> S | InputErrors | NotFound | Conflict | Forbidden:
    """``write`` as ``action`` on ``resource`` (a table of the policy), authorized by the
    policy around it (services/write_access.py) and answered as a result type."""
    session = info.context.session
    guard = WriteGuard(info.context.access, resource, action)
    refusal: InputErrors | NotFound | Conflict | Forbidden
    try:
        async with session.begin_nested():
            written = await guarded(session, guard, lambda: write(session), key=lambda s: s._pk)
    except ForbiddenError as error:
        refusal = Forbidden(
            code=error.code, message_zh=error.message_zh, message_en=error.message_en
        )
    except InputError as error:
        refusal = InputErrors(
            code=error.code,
            message_zh=error.message_zh,
            message_en=error.message_en,
            errors=[
                FieldError(
                    code=e.code,
                    field=e.field,
                    message_zh=e.message_zh,
                    message_en=e.message_en,
                    rule=e.rule,
                )
                for e in error.errors
            ],
        )
    except NotFoundError as error:
        refusal = NotFound(
            code=error.code, message_zh=error.message_zh, message_en=error.message_en
        )
    except ConflictError as error:
        refusal = Conflict(
            code=error.code, message_zh=error.message_zh, message_en=error.message_en
        )
    else:
        # The audit log: the row written, under its type ("ServiceRecord:42" → ServiceRecord).
        info.context.audit.wrote(str(written.id).partition(":")[0], written._pk)
        return written
    note_refusal(refusal.code)  # anzexian_errors_total{code} (resolvers/refusals.py)
    return refusal


async def create_once(
    info: Info,
    session: AsyncSession,
    *,
    operation: str,
    key: str | None,
    payload: object,
    create: Callable[[], Awaitable[R]],
) -> IdempotentOutcome[R]:
    """``create`` under the caller's idempotency key (issue 3, item 4).

    Keys belong to the principal's name; until authorization (issue 4) decides who may
    write, an anonymous caller shares the public principal's keys.
    """
    return await run_idempotent(
        session,
        principal=info.context.identity.name,
        operation=operation,
        key=key,
        payload=payload,
        create=create,
    )


def node_id(type_name: str, pk: int) -> strawberry.ID:
    """The global id of a written row, e.g. ``ServiceRecord:42``."""
    return strawberry.ID(global_id(type_name, pk))
