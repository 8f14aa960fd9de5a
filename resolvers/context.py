"""The typed per-request context every resolver receives (EXAMPLES #8)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as _Info

from services.identity import Identity
from services.reading import EVERYTHING, RowScope


@dataclass
class RequestContext:
    request: Request
    response: Response
    session: AsyncSession  # one per request; committed or rolled back once, at the end
    identity: Identity
    scope: RowScope = EVERYTHING  # what the identity may read (issue 4 compiles real scopes)
    # graphql-core runs sibling root fields concurrently; one AsyncSession must not be.
    db_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


Info = _Info[RequestContext, None]
