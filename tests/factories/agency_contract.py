"""Agency contracts (R-7.4-archive) for tests: written through the ORM, so archived."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from store.models.agency_contract import AgencyContract
from store.models.insurance_policy import InsurancePolicy


async def create_contract(
    session: AsyncSession, policy: InsurancePolicy, agency_id: int, **overrides: Any
) -> AgencyContract:
    """A contract of ``policy``'s insurer with the agency for the policy's unit (every policy
    of it, open-ended from 2024-01-01) unless overridden."""
    values: dict[str, Any] = {
        "insurer_id": policy.insurer_id,
        "agency_id": agency_id,
        "unit_id": policy.unit_id,
        "policy_id": None,
        "signed_on": date(2023, 12, 20),
        "valid_from": date(2024, 1, 1),
        "valid_to": None,
        "scope_of_services": "隐患排查、安全培训",
        "document_ref": "HT-2024-001",
        "document_sha256": "0" * 64,
    }
    values.update(overrides)
    contract = AgencyContract(**values)
    session.add(contract)
    await session.flush()
    return contract
