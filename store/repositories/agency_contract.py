"""Queries on the contracts of hired agencies (R-7.4-archive)."""

from __future__ import annotations

from store.models.agency_contract import AgencyContract
from store.repositories.base import Repository


class AgencyContractRepository(Repository[AgencyContract]):
    """Scoped like every repository (insurer: own tenant; regulator: jurisdiction; unit: own;
    agency: its own contracts). Contracts are only ever added (archived, migration 0010)."""

    model = AgencyContract
