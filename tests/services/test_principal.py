"""Principals and role bindings: each role carries exactly the subject its scope needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import NotFoundError
from services.principal import PrincipalInput, create_principal
from services.role_binding import RoleBindingInput, bind_role
from store.enums import PrincipalKind, Role
from store.models.role_binding import RoleBinding
from store.repositories.principal import PrincipalRepository
from store.repositories.role_binding import RoleBindingRepository
from store.uow import UnitOfWork
from tests.factories.agency import create_agency
from tests.factories.industry import ensure_industry
from tests.factories.insured_unit import create_insured_unit
from tests.factories.insurer import create_insurer
from tests.factories.principal import create_principal as make_principal
from tests.factories.region import ensure_region
from tests.services.refusal import only, refused

REGULATOR = RoleBindingInput(role="regulator", region_code="410000")


def _input(*bindings: RoleBindingInput, **overrides: Any) -> PrincipalInput:
    values: dict[str, Any] = {
        "kind": "user",
        "name": "henan.regulator",
        "display_name": "河南省应急管理厅",
        "bindings": bindings,
    }
    values.update(overrides)
    return PrincipalInput(**values)


@pytest.fixture
async def references(session: AsyncSession) -> None:
    await ensure_region(session, "410000")
    await ensure_industry(session, "C26")
    await ensure_industry(session, "B06")


async def test_creates_principal_with_every_kind_of_binding(
    uow: Callable[[], UnitOfWork], session: AsyncSession, references: None
) -> None:
    insurer = await create_insurer(session)
    unit = await create_insured_unit(session)
    agency = await create_agency(session)
    bindings = (
        RoleBindingInput(role="regulator", region_code="410000", industry_codes=("C26", "B06")),
        REGULATOR,  # the whole jurisdiction, every industry
        RoleBindingInput(role="insurer", insurer_id=insurer.id),
        RoleBindingInput(role="unit", unit_id=unit.id),
        RoleBindingInput(role="agency", agency_id=agency.id),
        RoleBindingInput(role="public"),
        RoleBindingInput(role="admin"),
    )
    async with uow() as work:
        await create_principal(work.session, _input(*bindings))
    stored = await PrincipalRepository(session).by_name("henan.regulator")
    assert stored is not None
    assert (stored.kind, stored.display_name, stored.active) == (
        PrincipalKind.USER,
        "河南省应急管理厅",
        True,
    )
    assert [
        (b.role, b.region_code, b.industry_codes, b.insurer_id, b.unit_id, b.agency_id)
        for b in stored.bindings
    ] == [
        (Role.REGULATOR, "410000", ["C26", "B06"], None, None, None),
        (Role.REGULATOR, "410000", None, None, None, None),
        (Role.INSURER, None, None, insurer.id, None, None),
        (Role.UNIT, None, None, None, unit.id, None),
        (Role.AGENCY, None, None, None, None, agency.id),
        (Role.PUBLIC, None, None, None, None, None),
        (Role.ADMIN, None, None, None, None, None),
    ]


def _binding(**values: Any) -> RoleBindingInput:
    return RoleBindingInput(**values)


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (_input(kind=None), "REQUIRED", "kind"),
        (_input(kind="robot"), "INVALID_ENUM", "kind"),
        (_input(name=""), "REQUIRED", "name"),
        (_input(name="Henan"), "PRINCIPAL_NAME_FORMAT", "name"),
        (_input(name="hn"), "PRINCIPAL_NAME_FORMAT", "name"),
        (_input(name="-henan"), "PRINCIPAL_NAME_FORMAT", "name"),
        (_input(name="henan regulator"), "PRINCIPAL_NAME_FORMAT", "name"),
        (_input(name="河南应急厅"), "PRINCIPAL_NAME_FORMAT", "name"),
        (_input(name="a" * 65), "TOO_LONG", "name"),
        (_input(display_name=" "), "REQUIRED", "displayName"),
        (_input(_binding(role="auditor")), "INVALID_ENUM", "bindings[0].role"),
        (_input(_binding(role="regulator")), "ROLE_SUBJECT_REQUIRED", "bindings[0].regionCode"),
        (_input(_binding(role="insurer")), "ROLE_SUBJECT_REQUIRED", "bindings[0].insurerId"),
        (_input(_binding(role="unit")), "ROLE_SUBJECT_REQUIRED", "bindings[0].unitId"),
        (_input(_binding(role="agency")), "ROLE_SUBJECT_REQUIRED", "bindings[0].agencyId"),
        (
            _input(_binding(role="public", region_code="410000")),
            "ROLE_SUBJECT_NOT_ALLOWED",
            "bindings[0].regionCode",
        ),
        (
            _input(_binding(role="admin", insurer_id=1)),
            "ROLE_SUBJECT_NOT_ALLOWED",
            "bindings[0].insurerId",
        ),
        (
            _input(_binding(role="insurer", insurer_id=1, industry_codes=("C26",))),
            "ROLE_SUBJECT_NOT_ALLOWED",
            "bindings[0].industryCodes",
        ),
        (
            _input(_binding(role="regulator", region_code="410000", unit_id=1)),
            "ROLE_SUBJECT_NOT_ALLOWED",
            "bindings[0].unitId",
        ),
        (
            _input(_binding(role="regulator", region_code="4100")),
            "REGION_CODE_FORMAT",
            "bindings[0].regionCode",
        ),
        (
            _input(_binding(role="regulator", region_code="420000")),
            "UNKNOWN_REFERENCE",
            "bindings[0].regionCode",
        ),
        (
            _input(_binding(role="regulator", region_code="410000", industry_codes=())),
            "AT_LEAST_ONE",
            "bindings[0].industryCodes",
        ),
        (
            _input(_binding(role="regulator", region_code="410000", industry_codes=("C26", ""))),
            "REQUIRED",
            "bindings[0].industryCodes[1]",
        ),
        (
            _input(
                REGULATOR,
                _binding(role="regulator", region_code="410000", industry_codes=("C26", "X99")),
            ),
            "UNKNOWN_REFERENCE",
            "bindings[1].industryCodes[1]",
        ),
        (
            _input(_binding(role="insurer", insurer_id="1")),
            "NOT_AN_INTEGER",
            "bindings[0].insurerId",
        ),
        (
            _input(_binding(role="insurer", insurer_id=999_999)),
            "UNKNOWN_REFERENCE",
            "bindings[0].insurerId",
        ),
        (
            _input(_binding(role="unit", unit_id=999_999)),
            "UNKNOWN_REFERENCE",
            "bindings[0].unitId",
        ),
        (
            _input(_binding(role="agency", agency_id=999_999)),
            "UNKNOWN_REFERENCE",
            "bindings[0].agencyId",
        ),
        (
            _input(
                _binding(role="regulator", region_code="410000", industry_codes=("C26", "B06")),
                _binding(role="regulator", region_code="410000", industry_codes=("B06", "C26")),
            ),
            "DUPLICATE_ENTRY",
            "bindings[1]",
        ),
    ],
)
async def test_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    references: None,
    data: PrincipalInput,
    code: str,
    field: str,
) -> None:
    error = await refused(uow, session, lambda s: create_principal(s, data))
    assert only(error) == (code, field)
    assert await PrincipalRepository(session).count() == 0
    assert await RoleBindingRepository(session).count() == 0


async def test_duplicate_name_is_refused(
    uow: Callable[[], UnitOfWork], session: AsyncSession, references: None
) -> None:
    await make_principal(session, name="henan.regulator")
    error = await refused(uow, session, lambda s: create_principal(s, _input(REGULATOR)))
    assert only(error) == ("DUPLICATE", "name")
    assert await PrincipalRepository(session).count() == 1
    assert await RoleBindingRepository(session).count() == 0


async def test_bind_role_adds_a_binding(
    uow: Callable[[], UnitOfWork], session: AsyncSession, references: None
) -> None:
    principal = await make_principal(session, RoleBinding(role=Role.PUBLIC))
    async with uow() as work:
        await bind_role(work.session, principal.id, REGULATOR)
    bindings = await RoleBindingRepository(session).of_principal(principal.id)
    assert [(b.role, b.region_code) for b in bindings] == [
        (Role.PUBLIC, None),
        (Role.REGULATOR, "410000"),
    ]
    only_regulator = await RoleBindingRepository(session).of_principal(
        principal.id, role=Role.REGULATOR
    )
    assert len(only_regulator) == 1


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (REGULATOR, "DUPLICATE", "role"),  # already granted
        (_binding(role="regulator"), "ROLE_SUBJECT_REQUIRED", "regionCode"),
        (_binding(role="unit", unit_id=999_999), "UNKNOWN_REFERENCE", "unitId"),
    ],
)
async def test_bind_role_refusals_write_nothing(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    references: None,
    data: RoleBindingInput,
    code: str,
    field: str,
) -> None:
    principal = await make_principal(
        session, RoleBinding(role=Role.REGULATOR, region_code="410000")
    )
    error = await refused(uow, session, lambda s: bind_role(s, principal.id, data))
    assert only(error) == (code, field)
    assert await RoleBindingRepository(session).count() == 1


async def test_bind_role_to_unknown_principal(uow: Callable[[], UnitOfWork]) -> None:
    with pytest.raises(NotFoundError):
        async with uow() as work:
            await bind_role(work.session, 999_999, RoleBindingInput(role="public"))


async def test_repository_loads_bindings_with_the_principal(
    session: AsyncSession, references: None
) -> None:
    created = await make_principal(
        session,
        RoleBinding(role=Role.REGULATOR, region_code="410000", industry_codes=["C26"]),
        name="zz.regulator",
    )
    session.expunge_all()  # prove the bindings come from the query, not the identity map
    repo = PrincipalRepository(session)
    by_name = await repo.by_name("zz.regulator")
    by_id = await repo.with_bindings(created.id)
    assert by_name is not None and by_id is not None
    assert [b.industry_codes for b in by_name.bindings] == [["C26"]]
    assert [b.role for b in by_id.bindings] == [Role.REGULATOR]
    assert await repo.by_name("nobody") is None
