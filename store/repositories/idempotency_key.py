"""Queries on idempotency keys and on the first result a key points at."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select

from store.models.idempotency_key import IdempotencyKey
from store.repositories.base import Repository

T = TypeVar("T")


class IdempotencyKeyRepository(Repository[IdempotencyKey]):
    internal = True
    model = IdempotencyKey

    async def find(self, principal_name: str, operation: str, key: str) -> IdempotencyKey | None:
        """The key a principal used for an operation.

        Unscoped on purpose: keys belong to the principal named in the lookup, not to a
        tenant the scope compiler knows, and the caller only ever sees its own.
        """
        stmt = select(IdempotencyKey).where(
            IdempotencyKey.principal_name == principal_name,
            IdempotencyKey.operation == operation,
            IdempotencyKey.key == key,
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def result(self, model: type[T], result_id: int) -> T | None:
        """The row a key recorded (``model`` is a mapped class with an integer primary
        key), read through the scope hook like any other read."""
        mapped: Any = model
        pk = mapped.__mapper__.primary_key[0]
        stmt = select(mapped).where(self.scope.where(mapped), pk == result_id)
        row: T | None = (await self.session.execute(stmt)).scalar_one_or_none()
        return row
