"""Registering staff: an employer is required; phone and ID number (personal data) are checked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.staff_member import StaffMemberInput, create_staff_member
from store.enums import AgencyStatus, StaffKind
from store.models.agency import Agency
from store.models.insurer import Insurer
from store.repositories.staff_member import StaffMemberRepository
from store.uow import UnitOfWork
from tests.factories.agency import create_agency
from tests.factories.codes import resident_id
from tests.factories.insurer import create_insurer
from tests.factories.staff_member import create_staff_member as make_staff
from tests.services.refusal import only, refused

ID_NUMBER = resident_id()


@pytest.fixture
async def insurer(session: AsyncSession) -> Insurer:
    return await create_insurer(session)


@pytest.fixture
async def agency(session: AsyncSession) -> Agency:
    return await create_agency(session)


def _with_last(number: str, char: str) -> str:
    return number[:-1] + char


async def test_creates_expert_with_personal_data(
    uow: Callable[[], UnitOfWork], session: AsyncSession, insurer: Insurer
) -> None:
    data = StaffMemberInput(
        kind="expert",
        name="李四",
        insurer_id=insurer.id,
        specialty="危险化学品",
        qualification="注册安全工程师",
        hired_on=date(2023, 3, 1),
        phone="13912345678",
        id_number="44030519850315106x",  # a lower-case check character is normalised
    )
    async with uow() as work:
        created = await create_staff_member(work.session, data)
    stored = await StaffMemberRepository(session).get(created.id)
    assert stored is not None
    assert (stored.kind, stored.insurer_id, stored.agency_id, stored.active) == (
        StaffKind.EXPERT,
        insurer.id,
        None,
        True,
    )
    assert (stored.phone, stored.id_number) == ("13912345678", "44030519850315106X")


async def test_staff_of_a_suspended_agency_can_still_be_registered(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    # Suspension stops new work (R-7.1-staff), checked where work is assigned, not here.
    agency = await create_agency(session, status=AgencyStatus.SUSPENDED)
    async with uow() as work:
        await create_staff_member(
            work.session, StaffMemberInput(kind="agency_staff", name="王五", agency_id=agency.id)
        )
    assert len(await StaffMemberRepository(session).of_agency(agency.id)) == 1


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"kind": None}, "REQUIRED", "kind"),
        ({"kind": "engineer"}, "INVALID_ENUM", "kind"),
        ({"name": ""}, "REQUIRED", "name"),
        ({"name": "名" * 65}, "TOO_LONG", "name"),
        ({"insurer_id": None}, "EMPLOYER_REQUIRED", "insurerId"),
        (
            {"kind": "agency_staff", "insurer_id": None},
            "EMPLOYER_REQUIRED",
            "agencyId",
        ),
        ({"kind": "agency_staff"}, "STAFF_AGENCY_REQUIRED", "agencyId"),
        ({"insurer_id": "1"}, "NOT_AN_INTEGER", "insurerId"),
        ({"insurer_id": 999_999}, "UNKNOWN_REFERENCE", "insurerId"),
        ({"agency_id": 999_999}, "UNKNOWN_REFERENCE", "agencyId"),
        ({"specialty": "专" * 129}, "TOO_LONG", "specialty"),
        ({"qualification": "\x07"}, "CONTROL_CHARACTER", "qualification"),
        ({"hired_on": datetime(2023, 3, 1)}, "NOT_A_DATE", "hiredOn"),  # noqa: DTZ001
        ({"phone": "139123456789"}, "PHONE_FORMAT", "phone"),
        ({"id_number": ID_NUMBER[:17]}, "ID_NUMBER_INVALID", "idNumber"),  # length
        ({"id_number": _with_last(ID_NUMBER, "Y")}, "ID_NUMBER_INVALID", "idNumber"),
        ({"id_number": "4403051985A315123X"}, "ID_NUMBER_INVALID", "idNumber"),  # characters
        ({"id_number": resident_id(born="19850230")}, "ID_NUMBER_INVALID", "idNumber"),  # Feb 30
        (
            {"id_number": _with_last(ID_NUMBER, "0" if ID_NUMBER[-1] != "0" else "1")},
            "ID_NUMBER_INVALID",
            "idNumber",
        ),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    insurer: Insurer,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    values: dict[str, Any] = {"kind": "expert", "name": "李四", "insurer_id": insurer.id}
    values.update(overrides)
    data = StaffMemberInput(**values)
    error = await refused(uow, session, lambda s: create_staff_member(s, data))
    assert only(error) == (code, field)
    assert await StaffMemberRepository(session).count() == 0


async def test_manager_of_an_agency_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, agency: Agency
) -> None:
    data = StaffMemberInput(kind="management", name="赵六", agency_id=agency.id)
    error = await refused(uow, session, lambda s: create_staff_member(s, data))
    assert only(error) == ("STAFF_INSURER_REQUIRED", "insurerId")
    assert await StaffMemberRepository(session).count() == 0


async def test_repository_lists_staff_by_employer(
    session: AsyncSession, insurer: Insurer, agency: Agency
) -> None:
    manager = await make_staff(session, insurer_id=insurer.id)
    expert = await make_staff(session, insurer_id=insurer.id, kind=StaffKind.EXPERT)
    agency_staff = await make_staff(session, agency_id=agency.id, kind=StaffKind.AGENCY_STAFF)
    await make_staff(session)  # another insurer's manager
    repo = StaffMemberRepository(session)
    assert [s.id for s in await repo.of_insurer(insurer.id)] == [manager.id, expert.id]
    assert [s.id for s in await repo.of_insurer(insurer.id, kind=StaffKind.EXPERT)] == [expert.id]
    assert [s.id for s in await repo.of_agency(agency.id)] == [agency_staff.id]
    assert await repo.missing([manager.id, 999_999]) == {999_999}
