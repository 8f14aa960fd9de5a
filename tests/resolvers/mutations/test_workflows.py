"""Every mutation of the standard's workflows through ``schema.execute``: the valid input is
written once; a refused one answers InputErrors with code, field, rule and both messages,
and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from store.base import Base
from tests.resolvers.conftest import Execute
from tests.resolvers.mutations.cases import CASES, RESULT_TYPE, Case, run
from tests.resolvers.mutations.scene import Scene
from tests.services.refusal import row_counts


def table_of(type_name: str) -> str:
    for mapper in Base.registry.mappers:
        if mapper.class_.__name__ == type_name:
            return str(mapper.class_.__tablename__)
    raise LookupError(type_name)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.field)
async def test_valid_input_is_written(
    execute: Execute, session: AsyncSession, scene: Scene, case: Case
) -> None:
    before = await row_counts(session)
    data = await run(execute, case, case.valid(scene))

    assert data["__typename"] == case.success_type, data
    assert data["replayed"] is False
    type_name, _, key = data["id"].partition(":")
    assert type_name == RESULT_TYPE[case.field] and key.isdigit()
    assert {name: data[name] for name in case.expect} == case.expect
    table = table_of(type_name)
    # A create adds its row; a transition (complete, answer, submit, …) updates one.
    added = (await row_counts(session))[table] - before[table]
    assert added == (1 if case.creates else 0)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.field)
async def test_refusal_is_typed_and_writes_nothing(
    execute: Execute, session: AsyncSession, scene: Scene, case: Case
) -> None:
    before = await row_counts(session)
    data = await run(execute, case, case.refusal(scene))

    assert data["__typename"] == "InputErrors", data
    assert data["code"] == "INVALID_INPUT"
    assert data["messageZh"] and data["messageEn"]
    assert [(e["code"], e["field"], e["rule"]) for e in data["errors"]] == [case.refused_with]
    assert all(e["messageZh"] and e["messageEn"] for e in data["errors"])
    assert await row_counts(session) == before
