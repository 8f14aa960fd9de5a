"""Contracts with hired agencies (R-7.4-archive): recorded all or nothing, archived in the
unit's chain and never changed; no contract for a suspended agency (R-7.1-staff)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.agency_contract import AgencyContractInput, create_agency_contract
from store.archive.sources import AGENCY
from store.enums import AgencyStatus
from store.models.archive_entry import ArchiveEntry
from store.models.insurance_policy import InsurancePolicy
from store.uow import UnitOfWork
from tests.factories.insurance_policy import create_policy
from tests.factories.insurer import create_insurer
from tests.factories.world import World, build_world, create_agency, create_unit
from tests.services.refusal import only, refused


def _input(world: World, policy: InsurancePolicy | None, **overrides: Any) -> AgencyContractInput:
    values: dict[str, Any] = {
        "insurer_id": world.insurer.id,
        "agency_id": world.agency.id,
        "unit_id": world.unit.id,
        "policy_id": None if policy is None else policy.id,
        "signed_on": date(2023, 12, 20),
        "valid_from": date(2024, 1, 1),
        "valid_to": date(2024, 12, 31),
        "scope_of_services": "隐患排查、安全培训",
        "document_ref": "HT-2024-0017",
        "document_sha256": "AB" * 32,
    }
    values.update(overrides)
    return AgencyContractInput(**values)


async def _scene(session: AsyncSession) -> tuple[World, InsurancePolicy]:
    world = await build_world(session)
    policy = await create_policy(session, insurer_id=world.insurer.id, unit_id=world.unit.id)
    return world, policy


async def test_a_contract_is_recorded_and_archived(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    world, policy = await _scene(session)
    async with uow() as work:
        contract = await create_agency_contract(work.session, _input(world, policy))
        key = contract.id
    assert contract.document_sha256 == "ab" * 32  # stored lowercase
    entries = (
        await session.execute(
            select(ArchiveEntry.kind, ArchiveEntry.source_version).where(
                ArchiveEntry.source_table == "agency_contract", ArchiveEntry.source_id == key
            )
        )
    ).all()
    assert [tuple(e) for e in entries] == [(AGENCY, 1)]


async def test_a_unit_wide_open_ended_contract(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    world, _ = await _scene(session)
    async with uow() as work:
        contract = await create_agency_contract(
            work.session, _input(world, None, valid_to=None, document_sha256=None)
        )
    assert (contract.policy_id, contract.valid_to, contract.document_sha256) == (None, None, None)


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"valid_to": date(2023, 12, 31)}, "DATE_ORDER", "validTo"),
        ({"signed_on": date(2025, 1, 5)}, "SIGNED_AFTER_END", "validTo"),
        ({"document_sha256": "xyz"}, "BAD_DIGEST", "documentSha256"),
        ({"scope_of_services": "  "}, "REQUIRED", "scopeOfServices"),
        ({"document_ref": "x" * 257}, "TOO_LONG", "documentRef"),
        ({"agency_id": 999_999}, "UNKNOWN_REFERENCE", "agencyId"),
        (
            {"valid_from": date(2025, 1, 1), "valid_to": None},
            "CONTRACT_OUTSIDE_POLICY",
            "validFrom",
        ),
    ],
)
async def test_bad_contracts_are_refused_whole(
    uow: Callable[[], UnitOfWork],
    session: AsyncSession,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    world, policy = await _scene(session)
    error = await refused(
        uow, session, lambda s: create_agency_contract(s, _input(world, policy, **overrides))
    )
    assert only(error) == (code, field)
    assert error.errors[0].message_zh and error.errors[0].message_en


async def test_the_policy_must_be_between_the_insurer_and_the_unit(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    world, policy = await _scene(session)
    other = await create_unit(session)
    error = await refused(
        uow, session, lambda s: create_agency_contract(s, _input(world, policy, unit_id=other.id))
    )
    assert only(error) == ("POLICY_MISMATCH", "policyId")
    stranger = await create_insurer(session)
    error = await refused(
        uow,
        session,
        lambda s: create_agency_contract(s, _input(world, None, insurer_id=stranger.id + 1000)),
    )
    assert only(error) == ("UNKNOWN_REFERENCE", "insurerId")


async def test_no_contract_for_a_suspended_agency(
    uow: Callable[[], UnitOfWork], session: AsyncSession
) -> None:
    """R-7.1-staff: a suspended agency gets no new work, and a contract is new work."""
    world, policy = await _scene(session)
    suspended = await create_agency(session, status=AgencyStatus.SUSPENDED)
    error = await refused(
        uow,
        session,
        lambda s: create_agency_contract(s, _input(world, policy, agency_id=suspended.id)),
    )
    assert only(error) == ("AGENCY_SUSPENDED", "agencyId")
    assert error.errors[0].rule == "R-7.1-staff"
