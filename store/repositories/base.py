"""The repository base: every read goes through one scope hook (EXAMPLES #2, #4).

``RowScope`` is what the scope compiler of ``policies/`` produces for a principal: a WHERE
clause per model. Until policies land every repository gets ``EVERYTHING``. There is no
other way for a repository to select rows, so no read path can forget the scope.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from store.base import Base
from store.models import model_of

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


_BOUND_SCOPE = "anzexian.row_scope"


@contextmanager
def bound_scope(session: AsyncSession, scope: RowScope) -> Iterator[None]:
    """Every repository built on ``session`` without an explicit scope uses ``scope``.

    A write's services look rows up through dozens of repositories (the referenced unit,
    policy, scheme, staff…); binding the writer's scope to the session reaches all of them,
    so a row the writer may not see reads as absent (UNKNOWN_REFERENCE, EXAMPLES #4) without
    every service passing the scope by hand. Sessions of trusted tools (CLI, seeding) bind
    nothing and see everything.
    """
    previous = session.info.get(_BOUND_SCOPE)
    session.info[_BOUND_SCOPE] = scope
    try:
        yield
    finally:
        if previous is None:
            del session.info[_BOUND_SCOPE]
        else:
            session.info[_BOUND_SCOPE] = previous


class Repository(Generic[M]):
    model: ClassVar[type[Any]]
    # The platform's own bookkeeping (principals, keys, idempotency…), not business rows:
    # no policy names these tables, so a bound business scope would hide them entirely.
    internal: ClassVar[bool] = False

    def __init__(self, session: AsyncSession, scope: RowScope | None = None) -> None:
        self.session = session
        if scope is None:
            scope = EVERYTHING if self.internal else session.info.get(_BOUND_SCOPE, EVERYTHING)
        self.scope: RowScope = scope

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


async def row_within(session: AsyncSession, table: str, key: Any, scope: RowScope) -> bool:
    """Whether the row of ``table`` with primary key ``key`` lies within ``scope``: the one
    check a write makes of what it wrote (services/write_access.py)."""
    model = model_of(table)
    pk = model.__mapper__.primary_key[0]
    stmt = select(func.count()).select_from(model).where(pk == key, scope.where(model))
    return bool((await session.execute(stmt)).scalar_one())
