"""Searchable rows written through the ORM (the outbox fills itself), and the ids the
database holds per search type: what the index must equal after the indexer caught up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from search.documents import DOC_TYPES
from store import models as m
from store.enums import ComplaintStatus
from tests.factories.annual_evaluation import create_evaluation
from tests.factories.complaint import create_complaint
from tests.factories.follow_up import create_follow_up
from tests.factories.insurance_policy import create_policy
from tests.factories.service_record import create_service_record, hazard
from tests.factories.service_scheme import create_scheme
from tests.factories.world import build_world

_MODELS: dict[str, Any] = {
    "service_record": m.ServiceRecord,
    "complaint": m.Complaint,
    "service_scheme": m.ServiceScheme,
    "annual_evaluation": m.AnnualEvaluation,
    "insured_unit": m.InsuredUnit,
}


async def write_some(session: AsyncSession, records: int = 3) -> None:
    """A unit with a policy, a scheme, ``records`` records (hazards, a follow-up), a
    complaint and an evaluation: every searchable type at least once."""
    world = await build_world(session)
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    await create_scheme(session, policy)
    for i in range(records):
        record = await create_service_record(
            session, policy, hazards=[hazard(description=f"配电箱未接地{i}")]
        )
        if i == 0:
            await create_follow_up(session, record)
    await create_complaint(
        session, insurer_id=world.insurer.id, unit_id=world.unit.id, status=ComplaintStatus.OPEN
    )
    await create_evaluation(session, insurer_id=world.insurer.id)


async def database_ids(session: AsyncSession) -> dict[str, set[str]]:
    out = {}
    for doc_type in DOC_TYPES:
        model = _MODELS[doc_type]
        out[doc_type] = {str(i) for i in (await session.execute(select(model.id))).scalars()}
    return out
