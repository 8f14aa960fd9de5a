"""Registering experts and staff of insurers and agencies (5.2, 7.1).

Phone and ID number are personal data (R-4.2-privacy): validated here, masked on the way out
by the columns' sensitivity marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services import references
from services.validation import Checker
from store.enums import StaffKind
from store.models.staff_member import StaffMember
from store.repositories.staff_member import StaffMemberRepository


@dataclass(frozen=True, slots=True)
class StaffMemberInput:
    kind: StaffKind | str
    name: str
    insurer_id: int | None = None
    agency_id: int | None = None
    specialty: str | None = None
    qualification: str | None = None
    hired_on: date | None = None
    phone: str | None = None
    id_number: str | None = None


def _check_employer(check: Checker, kind: StaffKind, has_insurer: bool, has_agency: bool) -> None:
    """Someone employs every person; agency staff work for an agency, managers for an insurer.

    Presence is judged on the raw input, so a malformed id is reported once, as malformed.
    """
    if not has_insurer and not has_agency:
        check.fail(
            "EMPLOYER_REQUIRED",
            "agencyId" if kind is StaffKind.AGENCY_STAFF else "insurerId",
            "须指定所属保险机构或技术服务机构",
            "name the insurer or the agency this person works for",
        )
    elif kind is StaffKind.AGENCY_STAFF and not has_agency:
        check.fail(
            "STAFF_AGENCY_REQUIRED",
            "agencyId",
            "技术服务机构人员须指定所属技术服务机构",
            "agency staff must name their agency",
        )
    elif kind is StaffKind.MANAGEMENT and not has_insurer:
        check.fail(
            "STAFF_INSURER_REQUIRED",
            "insurerId",
            "保险机构管理人员须指定所属保险机构",
            "management staff must name their insurer",
        )


async def create_staff_member(session: AsyncSession, data: StaffMemberInput) -> StaffMember:
    check = Checker()
    kind = check.enum("kind", data.kind, StaffKind)
    name = check.text("name", data.name, max_len=64)
    insurer_id = check.identifier("insurerId", data.insurer_id, required=False)
    agency_id = check.identifier("agencyId", data.agency_id, required=False)
    if kind is not None:
        _check_employer(check, kind, data.insurer_id is not None, data.agency_id is not None)
    specialty = check.text("specialty", data.specialty, max_len=128, required=False)
    qualification = check.text("qualification", data.qualification, max_len=128, required=False)
    hired_on = check.day("hiredOn", data.hired_on, required=False)
    phone = check.phone("phone", data.phone)
    id_number = check.resident_id("idNumber", data.id_number)
    check.raise_if_any()
    assert kind is not None and name is not None

    await references.insurer(check, session, "insurerId", insurer_id)
    await references.agency(check, session, "agencyId", agency_id)
    check.raise_if_any()
    return await StaffMemberRepository(session).add(
        StaffMember(
            kind=kind,
            name=name,
            insurer_id=insurer_id,
            agency_id=agency_id,
            specialty=specialty,
            qualification=qualification,
            hired_on=hired_on,
            active=True,
            phone=phone,
            id_number=id_number,
        )
    )
