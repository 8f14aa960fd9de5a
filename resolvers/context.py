"""The typed per-request context every resolver receives (EXAMPLES #8)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as _Info

from services.identity import Identity


@dataclass
class RequestContext:
    request: Request
    response: Response
    session: AsyncSession  # one per request; committed or rolled back once, at the end
    identity: Identity


Info = _Info[RequestContext, None]
