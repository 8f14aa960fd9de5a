"""Queries on revoked bearer tokens (JWT ids). Unscoped: read by authentication and by
operators' commands only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select

from store.models.revoked_token import RevokedToken
from store.repositories.base import Repository


class RevokedTokenRepository(Repository[RevokedToken]):
    internal = True
    model = RevokedToken

    async def by_jti(self, jti: str) -> RevokedToken | None:
        stmt = select(RevokedToken).where(RevokedToken.jti == jti)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def unexpired_jtis(self, now: datetime) -> set[str]:
        """The ids still worth refusing: an expired token is refused for its expiry."""
        stmt = select(RevokedToken.jti).where(RevokedToken.expires_at > now)
        return set((await self.session.execute(stmt)).scalars())

    async def listing(self, principal_name: str | None = None) -> Sequence[RevokedToken]:
        stmt = select(RevokedToken).order_by(RevokedToken.revoked_at, RevokedToken.jti)
        if principal_name is not None:
            stmt = stmt.where(RevokedToken.principal_name == principal_name)
        return (await self.session.execute(stmt)).scalars().all()

    async def purge_expired(self, now: datetime) -> int:
        """Delete rows whose token has expired anyway; the number deleted."""
        result = await self.session.execute(
            delete(RevokedToken).where(RevokedToken.expires_at <= now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
