"""Global ids in inputs: a malformed id, or one of another type, is BAD_ID on its field;
every bad id is reported at once and nothing is written."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tests.resolvers.conftest import Execute
from tests.resolvers.mutations.cases import CASES, run
from tests.resolvers.mutations.scene import Scene
from tests.services.refusal import row_counts

RECORD = next(case for case in CASES if case.field == "createServiceRecord")


async def test_bad_ids_are_reported_on_their_fields(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    payload = {
        **RECORD.valid(scene),
        "unitId": scene.insurer_id,  # an id of another type
        "policyId": "InsurancePolicy:abc",
        "agencyId": "42",
        "staffIds": [scene.gid("StaffMember", scene.world.staff.id), "StaffMember:"],
    }
    before = await row_counts(session)

    data = await run(execute, RECORD, payload)

    assert data["__typename"] == "InputErrors"
    assert [(e["code"], e["field"]) for e in data["errors"]] == [
        ("BAD_ID", "unitId"),
        ("BAD_ID", "policyId"),
        ("BAD_ID", "agencyId"),
        ("BAD_ID", "staffIds[1]"),
    ]
    assert all("InsuredUnit:42" in e["messageEn"] for e in data["errors"][:1])
    assert all(e["messageZh"] for e in data["errors"])
    assert await row_counts(session) == before


async def test_a_well_formed_id_of_an_absent_row_is_the_services_answer(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    payload = {**RECORD.valid(scene), "policyId": "InsurancePolicy:999999999", "schemeId": None}
    data = await run(execute, RECORD, payload)
    assert [(e["code"], e["field"]) for e in data["errors"]] == [("UNKNOWN_REFERENCE", "policyId")]
