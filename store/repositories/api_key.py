"""Queries on API keys. Unscoped: keys are read by authentication (before any scope exists)
and by operators' commands, never through the GraphQL API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, or_, select, update

from store.models.api_key import ApiKey
from store.models.principal import Principal
from store.repositories.base import Repository


class ApiKeyRepository(Repository[ApiKey]):
    internal = True
    model = ApiKey

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        stmt = select(ApiKey).where(ApiKey.prefix == prefix)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def for_authentication(self, prefix: str) -> Row[ApiKey, str, bool] | None:
        """The key with its principal's name and ``active`` flag, in one statement."""
        stmt = (
            select(ApiKey, Principal.name, Principal.active)
            .join(Principal, Principal.id == ApiKey.principal_id)
            .where(ApiKey.prefix == prefix)
        )
        return (await self.session.execute(stmt)).first()

    async def prefix_taken(self, prefix: str) -> bool:
        stmt = select(ApiKey.id).where(ApiKey.prefix == prefix)
        return (await self.session.execute(stmt)).first() is not None

    async def listing(self, principal_id: int | None = None) -> list[Row[ApiKey, str]]:
        """Every key (revoked and expired ones too) with its principal's name."""
        stmt = select(ApiKey, Principal.name).join(Principal, Principal.id == ApiKey.principal_id)
        if principal_id is not None:
            stmt = stmt.where(ApiKey.principal_id == principal_id)
        stmt = stmt.order_by(Principal.name, ApiKey.created_at, ApiKey.id)
        return list((await self.session.execute(stmt)).all())

    async def revoke_all_of(self, principal_id: int, now: datetime) -> int:
        """Revoke every key of a principal not revoked yet; the number revoked."""
        stmt = (
            update(ApiKey)
            .where(ApiKey.principal_id == principal_id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        result = await self.session.execute(stmt)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def touch(self, key_id: int, now: datetime, *, not_since: datetime) -> bool:
        """Set ``last_used_at`` unless it is already later than ``not_since``.

        The condition makes all processes together write a key's row at most once per
        interval, whatever each process remembers; ``True`` when the row was written.
        """
        stmt = (
            update(ApiKey)
            .where(
                ApiKey.id == key_id,
                or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= not_since),
            )
            .values(last_used_at=now)
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]
