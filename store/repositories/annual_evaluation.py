"""Queries on annual evaluation reports (年度评估报告), R-8.1-evaluation and R-8.2-publication."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists
from sqlalchemy.orm import aliased

from store.enums import EvaluationStatus
from store.models.annual_evaluation import AnnualEvaluation
from store.repositories.base import Repository


class AnnualEvaluationRepository(Repository[AnnualEvaluation]):
    model = AnnualEvaluation

    async def latest(self, insurer_id: int, year: int) -> AnnualEvaluation | None:
        """The current version of an insurer's report for ``year``."""
        stmt = (
            self.select()
            .where(AnnualEvaluation.insurer_id == insurer_id, AnnualEvaluation.year == year)
            .order_by(AnnualEvaluation.version.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def versions(self, insurer_id: int, year: int) -> Sequence[AnnualEvaluation]:
        stmt = (
            self.select()
            .where(AnnualEvaluation.insurer_id == insurer_id, AnnualEvaluation.year == year)
            .order_by(AnnualEvaluation.version)
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def published_for_year(self, year: int) -> Sequence[AnnualEvaluation]:
        """The published results of ``year`` (R-8.2-publication), one per insurer.

        When a corrected version was published too, only the newest published one is shown;
        an unpublished newer draft does not hide the published result.
        """
        newer = aliased(AnnualEvaluation)
        newer_published = exists().where(
            newer.insurer_id == AnnualEvaluation.insurer_id,
            newer.year == AnnualEvaluation.year,
            newer.version > AnnualEvaluation.version,
            newer.status == EvaluationStatus.PUBLISHED,
        )
        stmt = (
            self.select()
            .where(
                AnnualEvaluation.year == year,
                AnnualEvaluation.status == EvaluationStatus.PUBLISHED,
                ~newer_published,
            )
            .order_by(AnnualEvaluation.insurer_id)
        )
        return (await self.session.execute(stmt)).scalars().all()
