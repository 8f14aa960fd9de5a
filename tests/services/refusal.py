"""Refusals: the error a write must raise, and proof that no row of any table was written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import store.models  # noqa: F401  (every table on the metadata)
from services.errors import FieldError, InputError
from store.base import Base
from store.uow import UnitOfWork


async def row_counts(session: AsyncSession) -> dict[str, int]:
    """Rows per table of the whole schema, in one statement."""
    stmt = select(
        *(
            select(func.count()).select_from(table).scalar_subquery().label(name)
            for name, table in sorted(Base.metadata.tables.items())
        )
    )
    row = (await session.execute(stmt)).one()
    return dict(row._mapping)


async def refused(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    write: Callable[[AsyncSession], Awaitable[object]],
) -> InputError:
    """Run ``write`` in its own unit of work; it must raise ``InputError`` (every error
    bilingual) and leave every table exactly as it was."""
    before = await row_counts(session)
    with pytest.raises(InputError) as raised:
        async with uow() as work:
            await write(work.session)
    assert await row_counts(session) == before
    for error in raised.value.errors:
        assert error.message_zh and error.message_en
    return raised.value


def single(error: InputError) -> FieldError:
    """The one field error of a refusal (one test per rule: exactly one error expected)."""
    assert len(error.errors) == 1, [(e.code, e.field) for e in error.errors]
    return error.errors[0]


def only(error: InputError) -> tuple[str, str]:
    """(code, field) of the single field error."""
    first = single(error)
    return first.code, first.field
