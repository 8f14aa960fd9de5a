"""Hazards (R-6.2-major-hazard): the query of untold major hazards that regulators see.

Hazard validation runs inside the service record's write; its refusals are tested with
the record in ``test_service_record.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.insurance_policy import InsurancePolicy
from store.repositories.hazard import HazardRepository
from tests.factories.insurance_policy import create_policy
from tests.factories.insurer import create_insurer
from tests.factories.service_record import STARTED, hazard
from tests.factories.service_record import create_service_record as make_record
from tests.factories.world import World, build_world, create_unit

FOUND = STARTED + timedelta(hours=1)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.fixture
async def policy(session: AsyncSession, world: World) -> InsurancePolicy:
    return await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)


async def test_untold_major_hazards_query(
    session: AsyncSession, world: World, policy: InsurancePolicy
) -> None:
    mine = await make_record(
        session,
        policy,
        hazards=[
            hazard(description="untold major"),
            hazard(description="told major", told=True),
            hazard(description="untold minor", is_major=False),
        ],
    )
    other_unit = await create_unit(session)
    other_policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=other_unit.id)
    elsewhere = await make_record(
        session,
        other_policy,
        hazards=[hazard(description="elsewhere", found_at=FOUND - timedelta(minutes=30))],
    )
    other_insurer = await create_insurer(session)
    their_policy = await create_policy(session, insurer_id=other_insurer.id, unit_id=world.unit.id)
    await make_record(
        session, their_policy, hazards=[hazard(description="other insurer", found_at=FOUND)]
    )
    repo = HazardRepository(session)
    assert [h.description for h in await repo.untold_major()] == [
        "elsewhere",
        "untold major",
        "other insurer",
    ]
    # The unit sees its hazards from every insurer; another unit's are not its.
    assert [h.description for h in await repo.untold_major(unit_id=world.unit.id)] == [
        "untold major",
        "other insurer",
    ]
    assert [h.service_record_id for h in await repo.untold_major(insurer_id=world.insurer.id)] == [
        elsewhere.id,
        mine.id,
    ]
