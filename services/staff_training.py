"""Recording staff training (R-7.1-staff: management staff are trained at least once a year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.validation import Checker
from services.validation.messages import unknown_reference
from store.models.staff_training import StaffTraining
from store.repositories.staff_member import StaffMemberRepository
from store.repositories.staff_training import StaffTrainingRepository

RULE = "R-7.1-staff"


@dataclass(frozen=True, slots=True)
class StaffTrainingInput:
    staff_id: int
    insurer_id: int
    trained_on: date
    topic: str
    hours: Decimal | str | int  # one decimal place (0.5 h); a float is refused
    provider: str | None = None


async def _check_staff_of_insurer(
    check: Checker, session: AsyncSession, staff_id: int, insurer_id: int
) -> None:
    staff = await StaffMemberRepository(session).get(staff_id)
    if staff is None:
        unknown_reference(check, "staffId", "人员", "staff member")
    elif staff.insurer_id != insurer_id:
        # The record counts towards this insurer's yearly training duty, so the person
        # must be its own staff.
        check.fail(
            "STAFF_NOT_OF_INSURER",
            "staffId",
            "该人员不属于此保险机构",
            "this person is not staff of the insurer",
            rule=RULE,
        )


async def create_staff_training(
    session: AsyncSession, data: StaffTrainingInput, *, today: date
) -> StaffTraining:
    """Record a training that took place; ``today`` is the caller's calendar day in China."""
    check = Checker()
    staff_id = check.identifier("staffId", data.staff_id)
    insurer_id = check.identifier("insurerId", data.insurer_id)
    trained_on = check.day("trainedOn", data.trained_on)
    # Only a training that happened is evidence for R-7.1-staff; plans are not.
    check.not_future("trainedOn", trained_on, today, rule=RULE)
    topic = check.text("topic", data.topic, max_len=200)
    hours = check.decimal("hours", data.hours, places=1, max_digits=5, positive=True)
    provider = check.text("provider", data.provider, max_len=128, required=False)
    check.raise_if_any()
    assert staff_id is not None and insurer_id is not None and trained_on is not None
    assert topic is not None and hours is not None

    if await references.insurer(check, session, "insurerId", insurer_id):
        await _check_staff_of_insurer(check, session, staff_id, insurer_id)
    check.raise_if_any()
    return await StaffTrainingRepository(session).add(
        StaffTraining(
            staff_id=staff_id,
            insurer_id=insurer_id,
            trained_on=trained_on,
            topic=topic,
            hours=hours,
            provider=provider,
        )
    )
