"""An agency records the service assigned to it with what was done (issue 9 item 2):
``completeServiceRecord`` takes the content, process and hazards (the major-hazard flag and
when the unit was told, R-6.2-major-hazard), under the policy's ``record`` right on
``service_record`` with the ``assigned`` scope: a service not assigned to it is refused and
keeps its planned content. Blank content comes back as a field error."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import Role
from store.models.hazard import Hazard
from store.models.service_record import ServiceRecord
from tests.factories.service_record import create_service_record
from tests.resolvers.conftest import Execute
from tests.resolvers.mutations.scene import Scene
from tests.resolvers.mutations.test_access import as_role
from tests.services.refusal import row_counts

COMPLETE = """
mutation C($input: CompleteServiceRecordInput!) {
  completeServiceRecord(input: $input) {
    __typename
    ... on ServiceRecordSuccess { id status }
    ... on InputErrors { errors { code field messageZh messageEn } }
  }
}
"""


def _input(scene: Scene, record_id: int, content: str) -> dict[str, Any]:
    return {
        "recordId": scene.gid("ServiceRecord", record_id),
        "startedAt": "2026-11-20T09:00:00+08:00",
        "completedAt": "2026-11-20T16:00:00+08:00",
        "content": content,
        "process": "首次会议、现场排查、末次会议通报",
        "hazards": [
            {
                "description": "液氨储罐区可燃气体报警器失效",
                "isMajor": True,
                "foundAt": "2026-11-20T10:00:00+08:00",
                "toldAt": "2026-11-20T10:20:00+08:00",
            }
        ],
    }


async def _complete(execute: Execute, scene: Scene, payload: dict[str, Any]) -> dict[str, Any]:
    result = await execute(COMPLETE, {"input": payload}, identity=as_role(Role.AGENCY, scene.world))
    assert result.errors is None, result.errors
    assert result.data is not None
    data: dict[str, Any] = result.data["completeServiceRecord"]
    return data


async def _content(session: AsyncSession, record_id: int) -> tuple[str, str | None, str]:
    row = (
        await session.execute(
            select(ServiceRecord.content, ServiceRecord.process, ServiceRecord.status).where(
                ServiceRecord.id == record_id
            )
        )
    ).one()
    return row.content, row.process, row.status.value


async def test_the_assigned_agency_sets_content_process_and_a_told_major_hazard(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    assigned = await create_service_record(
        session, scene.policy, completed=False, agency_id=scene.world.agency.id
    )
    done = await _complete(execute, scene, _input(scene, assigned.id, "储罐区及装卸区隐患排查"))
    assert (done["__typename"], done["status"]) == ("ServiceRecordSuccess", "COMPLETED"), done
    assert await _content(session, assigned.id) == (
        "储罐区及装卸区隐患排查",
        "首次会议、现场排查、末次会议通报",
        "completed",
    )
    hazards = (
        await session.execute(
            select(Hazard.is_major, Hazard.told_at).where(Hazard.service_record_id == assigned.id)
        )
    ).all()
    assert [(major, told is not None) for major, told in hazards] == [(True, True)]


async def test_not_on_a_service_not_assigned_to_it(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    before_content = await _content(session, scene.planned.id)
    before = await row_counts(session)
    refused = await _complete(execute, scene, _input(scene, scene.planned.id, "改写的内容"))
    assert refused["__typename"] == "InputErrors", refused
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("UNKNOWN_REFERENCE", "recordId")
    ]
    assert await _content(session, scene.planned.id) == before_content
    assert await row_counts(session) == before


async def test_blank_content_is_a_field_error(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    assigned = await create_service_record(
        session, scene.policy, completed=False, agency_id=scene.world.agency.id
    )
    before = await row_counts(session)
    refused = await _complete(execute, scene, _input(scene, assigned.id, "   "))
    assert refused["__typename"] == "InputErrors", refused
    (error,) = refused["errors"]
    assert (error["code"], error["field"]) == ("REQUIRED", "content")
    assert error["messageZh"] and error["messageEn"]
    assert (await _content(session, assigned.id))[2] == "planned"
    assert await row_counts(session) == before
