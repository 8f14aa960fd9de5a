"""The surroundings every workflow test needs, built directly with the ORM models.

A region pair (广东省 440000 > 深圳市 440300), an industry, an insurer, an insured unit, an
agency and a staff member. These concepts have factories of their own; the workflow tests
build theirs here so that they depend on nothing but the models.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import AgencyKind, AgencyStatus, HighRiskCategory, RegionLevel, StaffKind
from store.models.agency import Agency
from store.models.industry import Industry
from store.models.insured_unit import InsuredUnit
from store.models.insurer import Insurer
from store.models.region import Region
from store.models.region_ancestor import RegionAncestor
from store.models.staff_member import StaffMember
from tests.factories.codes import credit_code
from tests.factories.insurer import create_insurer

PROVINCE = "440000"
CITY = "440300"
INDUSTRY = "2614"  # 有机化学原料制造: hazardous chemicals

_n = itertools.count(1)


@dataclass(frozen=True, slots=True)
class World:
    insurer: Insurer
    unit: InsuredUnit
    agency: Agency
    staff: StaffMember  # an expert hired by the insurer


async def ensure_region_and_industry(session: AsyncSession) -> None:
    """The region pair and the industry, once per test transaction."""
    if await session.get(Region, PROVINCE) is None:
        session.add(Region(code=PROVINCE, name="广东省", level=RegionLevel.PROVINCE))
        await session.flush()
        session.add(Region(code=CITY, name="深圳市", level=RegionLevel.CITY, parent_code=PROVINCE))
        await session.flush()
        session.add_all(
            [
                RegionAncestor(region_code=PROVINCE, ancestor_code=PROVINCE, depth=0),
                RegionAncestor(region_code=CITY, ancestor_code=CITY, depth=0),
                RegionAncestor(region_code=CITY, ancestor_code=PROVINCE, depth=1),
            ]
        )
    if await session.get(Industry, INDUSTRY) is None:
        session.add(
            Industry(
                code=INDUSTRY,
                name="有机化学原料制造",
                high_risk_category=HighRiskCategory.HAZARDOUS_CHEMICALS,
            )
        )
    await session.flush()


async def create_unit(session: AsyncSession, **overrides: Any) -> InsuredUnit:
    await ensure_region_and_industry(session)
    n = next(_n)
    values: dict[str, Any] = {
        "credit_code": credit_code(),
        "name": f"深圳测试化工有限公司{n}",
        "region_code": CITY,
        "industry_code": INDUSTRY,
        "above_designated_size": True,
        "staff_count": 120,
    }
    values.update(overrides)
    unit = InsuredUnit(**values)
    session.add(unit)
    await session.flush()
    return unit


async def create_agency(session: AsyncSession, **overrides: Any) -> Agency:
    await ensure_region_and_industry(session)
    n = next(_n)
    values: dict[str, Any] = {
        "credit_code": credit_code(),
        "name": f"深圳安全技术咨询有限公司{n}",
        "kind": AgencyKind.CONSULTANCY,
        "region_code": CITY,
        "status": AgencyStatus.ACTIVE,
    }
    values.update(overrides)
    agency = Agency(**values)
    session.add(agency)
    await session.flush()
    return agency


async def create_staff(session: AsyncSession, **overrides: Any) -> StaffMember:
    n = next(_n)
    values: dict[str, Any] = {"kind": StaffKind.EXPERT, "name": f"专家{n}"}
    values.update(overrides)
    if values.get("insurer_id") is None and values.get("agency_id") is None:
        values["insurer_id"] = (await create_insurer(session)).id
    member = StaffMember(**values)
    session.add(member)
    await session.flush()
    return member


async def build_world(session: AsyncSession) -> World:
    insurer = await create_insurer(session)
    unit = await create_unit(session)
    agency = await create_agency(session)
    staff = await create_staff(session, insurer_id=insurer.id)
    return World(insurer=insurer, unit=unit, agency=agency, staff=staff)
