"""What a mutation leaves in the audit log (审计日志): the row it wrote, under its type; a
refused write records none."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import ExecutionResult

from services.audit import AuditOperationKind
from services.identity import Identity
from tests.resolvers.audit_sink import Collected
from tests.resolvers.conftest import Execute, request_context
from tests.resolvers.mutations.cases import CASES, run
from tests.resolvers.mutations.scene import Scene

CREATE = next(case for case in CASES if case.field == "createServiceRecord")


def _audited(
    schema: strawberry.Schema,
    sessions: async_sessionmaker[AsyncSession],
    scene: Scene,
    sink: Collected,
) -> Execute:
    async def execute(
        query: str, variables: dict[str, Any] | None = None, *, identity: Identity | None = None
    ) -> ExecutionResult:
        context = request_context(sessions(), identity or scene.writer())
        context.audit_log = sink
        return await schema.execute(query, variable_values=variables, context_value=context)

    return execute


async def test_a_mutation_records_the_row_it_wrote(
    schema: strawberry.Schema, sessions: async_sessionmaker[AsyncSession], scene: Scene
) -> None:
    sink = Collected()
    data = await run(_audited(schema, sessions, scene, sink), CREATE, CREATE.valid(scene))
    type_name, _, key = data["id"].partition(":")
    entry = sink.only

    assert entry.kind is AuditOperationKind.MUTATION
    assert entry.principal == "scene-writer"
    assert f"insurer@tenant:{scene.world.insurer.id}" in entry.scope
    assert entry.rows == {type_name: [int(key)]}
    assert (entry.row_count, entry.subjects, entry.aggregate) == (1, frozenset(), False)


async def test_a_refused_mutation_records_no_row(
    schema: strawberry.Schema, sessions: async_sessionmaker[AsyncSession], scene: Scene
) -> None:
    sink = Collected()
    data = await run(_audited(schema, sessions, scene, sink), CREATE, CREATE.refusal(scene))

    assert data["__typename"] == "InputErrors"
    assert (sink.only.kind, sink.only.row_count, sink.only.rows) == (
        AuditOperationKind.MUTATION,
        0,
        {},
    )
