"""The typed per-request context every resolver receives (EXAMPLES #8)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as _Info

from services.identity import Identity
from services.reading import EVERYTHING, NO_MASK, FieldMask, RowScope


@dataclass
class RequestContext:
    request: Request
    response: Response
    session: AsyncSession  # one per request; committed or rolled back once, at the end
    identity: Identity
    scope: RowScope = EVERYTHING  # rows the identity may read (policies/scope.py)
    mask: FieldMask = NO_MASK  # protected columns it may see (R-4.2-privacy)
    aggregate_scope: RowScope = EVERYTHING  # rows its statistics may count
    # graphql-core runs sibling root fields concurrently; one AsyncSession must not be.
    db_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


Info = _Info[RequestContext, None]
