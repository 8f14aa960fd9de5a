"""The repository base: every read goes through one scope hook (EXAMPLES #2, #4).

``RowScope`` is what the scope compiler of ``policies/`` produces for a principal: a WHERE
clause per model. Until policies land every repository gets ``EVERYTHING``. There is no
other way for a repository to select rows, so no read path can forget the scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from store.base import Base

M = TypeVar("M", bound=Base)


class RowScope(Protocol):
    def where(self, entity: Any) -> ColumnElement[bool]:
        """The condition a row must meet to be visible.

        ``entity`` is a mapped class or an ``aliased()`` one (the read compiler aliases every
        table it touches, so self-references like a region's parent stay unambiguous); the
        condition must be built from ``entity``'s attributes, never from the bare table.
        """
        ...


class _Everything:
    def where(self, entity: Any) -> ColumnElement[bool]:
        return true()


EVERYTHING: RowScope = _Everything()


class FieldMask(Protocol):
    """Which personal / business-secret columns may be shown (R-4.2-privacy)."""

    def unmasked(self, entity: Any, column: str) -> ColumnElement[bool]:
        """Rows of ``entity`` where ``column`` may be shown."""
        ...

    def always_masked(self, entity: Any, column: str) -> bool:
        """True when no row's ``column`` may be shown (the SQL can emit NULL outright)."""
        ...


class _NoMask:
    def unmasked(self, entity: Any, column: str) -> ColumnElement[bool]:
        return true()

    def always_masked(self, entity: Any, column: str) -> bool:
        return False


NO_MASK: FieldMask = _NoMask()


class Repository(Generic[M]):
    model: ClassVar[type[Any]]

    def __init__(self, session: AsyncSession, scope: RowScope = EVERYTHING) -> None:
        self.session = session
        self.scope = scope

    def select(self) -> Select[M]:
        """The scoped base query; every read of this repository starts here."""
        return select(self.model).where(self.scope.where(self.model))

    async def get(self, key: Any) -> M | None:
        """One row by primary key, ``None`` when absent *or* outside the scope."""
        pk = self.model.__mapper__.primary_key[0]
        result = await self.session.execute(self.select().where(pk == key))
        return result.scalar_one_or_none()

    async def exists(self, key: Any) -> bool:
        pk = self.model.__mapper__.primary_key[0]
        stmt = (
            select(func.count())
            .select_from(self.model)
            .where(pk == key, self.scope.where(self.model))
        )
        return bool((await self.session.execute(stmt)).scalar_one())

    async def count(self) -> int:
        stmt = select(func.count()).select_from(self.model).where(self.scope.where(self.model))
        return int((await self.session.execute(stmt)).scalar_one())

    async def add(self, row: M) -> M:
        """Stage and flush one row (ids assigned); the unit of work commits."""
        self.session.add(row)
        await self.session.flush()
        return row

    async def add_all(self, rows: Sequence[M]) -> Sequence[M]:
        self.session.add_all(rows)
        await self.session.flush()
        return rows
