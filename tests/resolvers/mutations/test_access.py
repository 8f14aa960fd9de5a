"""Who may write what (issue 4; services/write_access.py): every workflow of the standard
written by the one role the default policy gives it, refused for every other role, and
refused for the same role of another tenant, unit or agency; nothing written on a refusal.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

import services.follow_up
from services.follow_up import FollowUpInput
from services.identity import Identity, RoleGrant
from store.enums import Role
from store.models.follow_up import FollowUp
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import create_service_record
from tests.factories.world import PROVINCE, World, build_world
from tests.resolvers.conftest import Execute
from tests.resolvers.mutations.cases import CASES, Case, run
from tests.resolvers.mutations.scene import Scene
from tests.services.refusal import row_counts

BY_FIELD = {case.field: case for case in CASES}

# The role the default policy (policies/policy.csv) gives each workflow.
WRITER_ROLE: dict[str, Role] = {case.field: Role.INSURER for case in CASES} | {
    "fileComplaint": Role.UNIT,  # R-6.4-complaint: the unit complains
    "decideOnServiceRecord": Role.UNIT,  # R-6.3-archive: the unit confirms
}
EVERY_ROLE = (Role.PUBLIC, Role.REGULATOR, Role.INSURER, Role.UNIT, Role.AGENCY, Role.ADMIN)
# completeServiceRecord is also the assigned agency's (test below); every other pair is not.
DENIED = [
    (case, role)
    for case in CASES
    for role in EVERY_ROLE
    if role is not WRITER_ROLE[case.field]
    and not (case.field == "completeServiceRecord" and role is Role.AGENCY)
]


def as_role(role: Role, world: World, name: str = "writer") -> Identity:
    """A principal holding one grant of ``role`` whose subject comes from ``world``."""
    grant = {
        Role.PUBLIC: RoleGrant(role=Role.PUBLIC),
        Role.REGULATOR: RoleGrant(role=Role.REGULATOR, region_code=PROVINCE),
        Role.INSURER: RoleGrant(role=Role.INSURER, insurer_id=world.insurer.id),
        Role.UNIT: RoleGrant(role=Role.UNIT, unit_id=world.unit.id),
        Role.AGENCY: RoleGrant(role=Role.AGENCY, agency_id=world.agency.id),
        Role.ADMIN: RoleGrant(role=Role.ADMIN),
    }[role]
    return Identity(name=f"{name}-{role.value}", display_name=name, grants=(grant,))


def test_the_table_names_every_workflow() -> None:
    assert len(CASES) == 17 and set(WRITER_ROLE) == {case.field for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.field)
async def test_each_workflow_is_written_by_its_role_alone(
    execute: Execute, scene: Scene, case: Case
) -> None:
    identity = as_role(WRITER_ROLE[case.field], scene.world)

    data = await run(execute, case, case.valid(scene), identity=identity)

    assert data["__typename"] == case.success_type, data


@pytest.mark.parametrize(
    ("case", "role"), DENIED, ids=lambda v: v.field if isinstance(v, Case) else v.value
)
async def test_a_role_without_the_right_is_forbidden(
    execute: Execute, session: AsyncSession, scene: Scene, case: Case, role: Role
) -> None:
    before = await row_counts(session)

    data = await run(execute, case, case.valid(scene), identity=as_role(role, scene.world))

    assert (data["__typename"], data["code"]) == ("Forbidden", "FORBIDDEN"), data
    assert data["messageZh"] and data["messageEn"]
    assert await row_counts(session) == before


def _refusal(data: dict[str, Any]) -> str:
    """The code a refusal answered with; for refused input, its fields' codes."""
    if data["__typename"] == "InputErrors":
        return ",".join(sorted({e["code"] for e in data["errors"]}))
    return str(data["code"])


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.field)
async def test_the_same_role_of_another_subject_cannot_write_here(
    execute: Execute, session: AsyncSession, scene: Scene, case: Case
) -> None:
    """Insurer B writing into insurer A's policy, unit B deciding on unit A's record…: what
    B may not read is an unknown reference to it (existence does not leak, EXAMPLES #4)."""
    other = await build_world(session)
    before = await row_counts(session)

    data = await run(
        execute, case, case.valid(scene), identity=as_role(WRITER_ROLE[case.field], other)
    )

    assert data["__typename"] != case.success_type, data
    assert _refusal(data) in {"UNKNOWN_REFERENCE", "NOT_FOUND", "OUT_OF_SCOPE"}, data
    assert await row_counts(session) == before


async def test_an_agency_records_the_service_assigned_to_it_only(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    complete = BY_FIELD["completeServiceRecord"]
    assigned = await create_service_record(
        session, scene.policy, completed=False, agency_id=scene.world.agency.id
    )
    agency = as_role(Role.AGENCY, scene.world)

    mine = await run(
        execute,
        complete,
        {**complete.valid(scene), "recordId": scene.gid("ServiceRecord", assigned.id)},
        identity=agency,
    )
    not_mine = await run(execute, complete, complete.valid(scene), identity=agency)

    assert mine["__typename"] == "ServiceRecordSuccess", mine
    assert _refusal(not_mine) == "UNKNOWN_REFERENCE", not_mine


async def test_a_written_row_outside_the_scope_is_rolled_back(
    execute: Execute, session: AsyncSession, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last check looks at the row as stored: a service that wrote another tenant's
    follow-up (whatever the input said) is refused and its row is gone."""
    follow_up = BY_FIELD["recordFollowUp"]
    other = await build_world(session)
    elsewhere = await create_service_record(
        session, await create_policy(session, insurer_id=other.insurer.id, unit_id=other.unit.id)
    )

    async def misdirected(session: AsyncSession, data: FollowUpInput) -> FollowUp:
        row = FollowUp(
            service_record_id=elsewhere.id,
            method=data.method,
            visited_at=data.visited_at,
            satisfaction=data.satisfaction,
        )
        session.add(row)
        await session.flush()
        return row

    monkeypatch.setattr(services.follow_up, "record_follow_up", misdirected)
    before = await row_counts(session)

    data = await run(
        execute, follow_up, follow_up.valid(scene), identity=as_role(Role.INSURER, scene.world)
    )

    assert (data["__typename"], data["code"]) == ("Forbidden", "OUT_OF_SCOPE"), data
    assert await row_counts(session) == before


async def test_an_insurer_may_name_a_new_client_it_cannot_read_yet(
    execute: Execute, session: AsyncSession, scene: Scene
) -> None:
    """``refer`` (policy.csv): a unit with no policy of this insurer is outside its read
    scope, yet the insurer must name it to write its first policy."""
    create = BY_FIELD["createPolicy"]
    newcomer = (await build_world(session)).unit
    payload = {**create.valid(scene), "unitId": scene.gid("InsuredUnit", newcomer.id)}

    data = await run(execute, create, payload, identity=as_role(Role.INSURER, scene.world))

    assert data["__typename"] == "InsurancePolicySuccess", data
