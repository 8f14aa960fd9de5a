"""What the seeded database holds: the region hierarchy as data, valid identifiers, and one
demo principal per role with data inside its scope."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from services.validation.credit_code import is_valid
from store.demo.identity import id_number_is_valid
from store.models import (
    Agency,
    InsuredUnit,
    Insurer,
    Principal,
    Region,
    RegionAncestor,
    RoleBinding,
    ServiceRecord,
    StaffMember,
)
from tests.demo.rules import rows


async def test_every_region_parent_exists(seeded: AsyncConnection) -> None:
    parent = aliased(Region)
    orphans = (
        select(Region.code)
        .outerjoin(parent, parent.code == Region.parent_code)
        .where(Region.parent_code.is_not(None), parent.code.is_(None))
    )
    assert await rows(seeded, orphans) == []
    provinces = select(func.count()).where(Region.parent_code.is_(None))
    assert (await seeded.execute(provinces)).scalar_one() == 31


async def test_ancestors_follow_parent_codes_not_digits(seeded: AsyncConnection) -> None:
    async def chain(code: str) -> list[str]:
        statement = (
            select(RegionAncestor.ancestor_code)
            .where(RegionAncestor.region_code == code)
            .order_by(RegionAncestor.depth)
        )
        return [c for (c,) in await rows(seeded, statement)]

    assert await chain("419001") == ["419001", "410000"]
    assert await chain("659001") == ["659001", "650000"]
    assert await chain("500229") == ["500229", "500200", "500000"]
    assert await chain("110101") == ["110101", "110100", "110000"]


async def test_identifiers_pass_their_checks(seeded: AsyncConnection) -> None:
    for model in (Insurer, Agency, InsuredUnit):
        codes = [c for (c,) in await rows(seeded, select(model.credit_code))]
        assert codes and all(is_valid(c) for c in codes), model.__name__
    numbers = [n for (n,) in await rows(seeded, select(StaffMember.id_number))]
    assert numbers and all(n is None or id_number_is_valid(n) for n in numbers)


async def test_one_demo_principal_per_role(seeded: AsyncConnection) -> None:
    statement = select(Principal.name, RoleBinding.role).join(
        RoleBinding, RoleBinding.principal_id == Principal.id
    )
    roles = {name: str(role) for name, role in await rows(seeded, statement)}
    assert roles["demo-regulator-gd"] == roles["demo-regulator-gz"] == "regulator"
    assert roles["demo-insurer-picc"] == "insurer"
    assert (roles["demo-unit"], roles["demo-agency"], roles["demo-admin"]) == (
        "unit",
        "agency",
        "admin",
    )


async def test_demo_regulators_have_records_in_their_jurisdiction(
    seeded: AsyncConnection,
) -> None:
    for jurisdiction in ("440000", "440100"):
        in_scope = (
            select(func.count())
            .select_from(ServiceRecord)
            .join(InsuredUnit, InsuredUnit.id == ServiceRecord.unit_id)
            .where(
                InsuredUnit.region_code.in_(
                    select(RegionAncestor.region_code).where(
                        RegionAncestor.ancestor_code == jurisdiction
                    )
                )
            )
        )
        assert (await seeded.execute(in_scope)).scalar_one() > 0, jurisdiction
    bound_unit = select(InsuredUnit.region_code).join(
        RoleBinding, RoleBinding.unit_id == InsuredUnit.id
    )
    assert [r for (r,) in await rows(seeded, bound_unit)] == ["440106"]  # 广州市天河区
    chem = (
        select(RoleBinding.industry_codes)
        .join(Principal, Principal.id == RoleBinding.principal_id)
        .where(Principal.name == "demo-regulator-gd-chem")
    )
    assert (await seeded.execute(chem)).scalar_one() == ["C25", "C26", "G5942", "F5265"]
