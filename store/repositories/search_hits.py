"""What a search may show: the hits a principal can read (through its scoped SQL, so a stale
or wrong index cannot leak a row) and the names of facet values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import null, select
from sqlalchemy.ext.asyncio import AsyncSession

from store import models as m
from store.repositories.base import RowScope
from store.repositories.graph.audit import UnitOf

_MODELS: dict[str, Any] = {
    "service_record": m.ServiceRecord,
    "complaint": m.Complaint,
    "service_scheme": m.ServiceScheme,
    "annual_evaluation": m.AnnualEvaluation,
    "insured_unit": m.InsuredUnit,
}


class SearchHitRepository:
    def __init__(self, session: AsyncSession, scope: RowScope) -> None:
        self.session = session
        self.scope = scope

    async def readable(
        self, doc_type: str, ids: Iterable[int], unit_of: UnitOf | None = None
    ) -> dict[int, int | None]:
        """The ids among ``ids`` the scope lets the principal read, each with the insured
        unit its row is about (``unit_of``, the policy's paths; None without it or for rows
        about no unit), for the audit log: one statement a type."""
        wanted = set(ids)
        if not wanted:
            return {}
        model = _MODELS[doc_type]
        unit = None if unit_of is None else unit_of(model)
        stmt = select(model.id, null() if unit is None else unit).where(
            model.id.in_(wanted), self.scope.where(model)
        )
        return {key: about for key, about in await self.session.execute(stmt)}

    async def region_names(self, codes: Iterable[str]) -> dict[str, str]:
        wanted = set(codes)
        if not wanted:
            return {}
        stmt = select(m.Region.code, m.Region.name).where(
            m.Region.code.in_(wanted), self.scope.where(m.Region)
        )
        return {code: name for code, name in await self.session.execute(stmt)}

    async def region_level(self, code: str) -> str | None:
        stmt = select(m.Region.level).where(m.Region.code == code)
        level = (await self.session.execute(stmt)).scalar_one_or_none()
        return None if level is None else str(getattr(level, "value", level))

    async def insurer_names(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = set(ids)
        if not wanted:
            return {}
        stmt = select(m.Insurer.id, m.Insurer.name).where(
            m.Insurer.id.in_(wanted), self.scope.where(m.Insurer)
        )
        return {key: name for key, name in await self.session.execute(stmt)}
