"""The rows every mutation test starts from, built directly with the ORM factories.

One insurer with a unit, an agency and an expert; the 2024 policy with scheme version 1, a
completed and a planned service record, an open complaint, a draft 2024 report and a
submitted 2023 one, a planned improvement measure and an allocation in the fee ledger; and
a second 2024 policy that has no scheme yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from schema.ids import global_id
from services.identity import Identity, RoleGrant
from store.enums import EvaluationStatus, Role
from store.models.annual_evaluation import AnnualEvaluation
from store.models.complaint import Complaint
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.models.improvement_measure import ImprovementMeasure
from store.models.insurance_policy import InsurancePolicy
from store.models.service_record import ServiceRecord
from store.models.service_scheme import ServiceScheme
from tests.factories.annual_evaluation import create_evaluation
from tests.factories.complaint import create_complaint
from tests.factories.fee_ledger_entry import create_entry
from tests.factories.improvement_measure import create_measure
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import create_service_record
from tests.factories.service_scheme import create_scheme
from tests.factories.world import World, build_world


@dataclass(frozen=True, slots=True)
class Scene:
    world: World
    policy: InsurancePolicy
    bare_policy: InsurancePolicy  # no scheme yet
    scheme: ServiceScheme
    completed: ServiceRecord  # completed 2024-03-01 16:00 +08:00
    planned: ServiceRecord
    complaint: Complaint  # open, filed 2024-03-04
    draft: AnnualEvaluation  # 2024, version 1
    submitted: AnnualEvaluation  # 2023, submitted
    measure: ImprovementMeasure  # planned
    allocation: FeeLedgerEntry

    def writer(self, name: str = "scene-writer") -> Identity:
        """One principal holding the scene's insurer, unit and agency grants, so that every
        workflow of the standard is its to write; tests/resolvers/mutations/test_access.py
        takes the roles one by one."""
        return Identity(
            name=name,
            display_name="场景写入者",
            grants=(
                RoleGrant(role=Role.INSURER, insurer_id=self.world.insurer.id),
                RoleGrant(role=Role.UNIT, unit_id=self.world.unit.id),
                RoleGrant(role=Role.AGENCY, agency_id=self.world.agency.id),
            ),
        )

    def gid(self, type_name: str, key: int) -> str:
        return global_id(type_name, key)

    @property
    def insurer_id(self) -> str:
        return global_id("Insurer", self.world.insurer.id)

    @property
    def unit_id(self) -> str:
        return global_id("InsuredUnit", self.world.unit.id)


async def build_scene(session: AsyncSession) -> Scene:
    world = await build_world(session)
    insurer, unit = world.insurer.id, world.unit.id
    policy = await create_policy(session, insurer_id=insurer, unit_id=unit)
    return Scene(
        world=world,
        policy=policy,
        bare_policy=await create_policy(session, insurer_id=insurer, unit_id=unit),
        scheme=await create_scheme(session, policy, staff_ids=[world.staff.id]),
        completed=await create_service_record(session, policy),
        planned=await create_service_record(session, policy, completed=False),
        complaint=await create_complaint(session, insurer_id=insurer, unit_id=unit),
        draft=await create_evaluation(session, insurer_id=insurer, year=2024),
        submitted=await create_evaluation(
            session,
            insurer_id=insurer,
            year=2023,
            status=EvaluationStatus.SUBMITTED,
            submitted_to="广东省应急管理厅",
            submitted_at=datetime(2024, 3, 1, 2, 0, tzinfo=UTC),
        ),
        measure=await create_measure(session, insurer_id=insurer),
        allocation=await create_entry(session, policy),
    )
