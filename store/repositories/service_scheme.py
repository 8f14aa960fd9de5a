"""Queries on service schemes (服务方案): versions, never overwritten (R-6.1-scheme)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy.orm import selectinload

from store.models.scheme_staff import SchemeStaff
from store.models.service_scheme import ServiceScheme
from store.repositories.base import Repository


class ServiceSchemeRepository(Repository[ServiceScheme]):
    model = ServiceScheme

    async def with_items(self, scheme_id: int) -> ServiceScheme | None:
        stmt = (
            self.select()
            .where(ServiceScheme.id == scheme_id)
            .options(selectinload(ServiceScheme.items))
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def latest_for_policy(self, policy_id: int) -> ServiceScheme | None:
        """The current version of a policy's scheme, ``None`` when it has none yet."""
        stmt = (
            self.select()
            .where(ServiceScheme.policy_id == policy_id)
            .order_by(ServiceScheme.version.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def versions(self, policy_id: int) -> Sequence[ServiceScheme]:
        """Every version of a policy's scheme, oldest first, items loaded."""
        stmt = (
            self.select()
            .where(ServiceScheme.policy_id == policy_id)
            .options(selectinload(ServiceScheme.items))
            .order_by(ServiceScheme.version)
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def staff_ids(self, scheme_id: int) -> list[int]:
        """The staff a scheme names (the model has no relationship for them)."""
        stmt = (
            self.select()
            .join(SchemeStaff, SchemeStaff.scheme_id == ServiceScheme.id)
            .where(ServiceScheme.id == scheme_id)
            .with_only_columns(SchemeStaff.staff_id, maintain_column_froms=True)
            .order_by(SchemeStaff.staff_id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def add_with_staff(
        self, scheme: ServiceScheme, staff_ids: Sequence[int]
    ) -> ServiceScheme:
        """Stage a scheme version (items cascade) and its staff rows, then flush."""
        self.session.add(scheme)
        await self.session.flush()
        self.session.add_all(SchemeStaff(scheme_id=scheme.id, staff_id=s) for s in staff_ids)
        await self.session.flush()
        return scheme

    async def policy_ids(self, scheme_ids: Collection[int]) -> dict[int, int]:
        """The policy of each visible scheme version, in one statement."""
        if not scheme_ids:
            return {}
        stmt = (
            self.select()
            .where(ServiceScheme.id.in_(set(scheme_ids)))
            .with_only_columns(ServiceScheme.id, ServiceScheme.policy_id)
        )
        return {key: policy for key, policy in await self.session.execute(stmt)}
