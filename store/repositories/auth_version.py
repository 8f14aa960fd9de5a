"""The single-row version that every revocation and policy change bumps
(store/models/auth_version.py)."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from store.base import utcnow
from store.models.auth_version import SINGLETON_ID, AuthVersion
from store.repositories.base import Repository


class AuthVersionRepository(Repository[AuthVersion]):
    internal = True
    model = AuthVersion

    async def current(self) -> int | None:
        """The version now; ``None`` only if the migration's row was deleted by hand."""
        stmt = select(AuthVersion.version).where(AuthVersion.id == SINGLETON_ID)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def bump(self) -> None:
        """Increment, inside the caller's transaction: the new number becomes visible to
        other processes exactly when the change it announces does."""
        result = await self.session.execute(
            update(AuthVersion)
            .where(AuthVersion.id == SINGLETON_ID)
            .values(version=AuthVersion.version + 1, changed_at=utcnow())
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            await self.session.execute(
                insert(AuthVersion).values(id=SINGLETON_ID, version=1, changed_at=utcnow())
            )
