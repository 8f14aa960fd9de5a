"""The figures of an annual evaluation report (R-8.1-evaluation) that the dashboard
aggregates (``store/repositories/stats``) do not count: what the contracts agreed, the
schemes, staff and trainings, the agencies engaged, complete complaint answers and spending
with no service behind it. Every statement is an aggregate; every table it reads carries
``scope.where`` for it, so a narrower scope trims the figures inside the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import AgencyStatus, LedgerEntryKind, ServiceCategory, StaffKind
from store.models.agency import Agency
from store.models.agency_qualification import AgencyQualification
from store.models.complaint import Complaint
from store.models.fee_ledger_entry import FeeLedgerEntry
from store.models.insurance_policy import InsurancePolicy
from store.models.policy_service_item import PolicyServiceItem
from store.models.service_record import ServiceRecord
from store.models.service_scheme import ServiceScheme
from store.models.staff_member import StaffMember
from store.models.staff_training import StaffTraining
from store.repositories.base import EVERYTHING, RowScope


@dataclass(frozen=True, slots=True)
class YearWindow:
    """One insurer's evaluated year: calendar days [first_day, end_day) and the same span as
    instants in China [starts, ends) for the columns that hold instants."""

    insurer_id: int
    first_day: date
    end_day: date  # exclusive
    starts: datetime
    ends: datetime  # exclusive


@dataclass(frozen=True, slots=True)
class ContractFigures:
    policies: int  # policies whose period overlaps the year
    with_scheme: int  # of them, those with at least one scheme version (R-6.1-scheme)
    agreed_fee_fen: int  # sum of premium x prevention_fee_ratio of those policies (R-7.3-ledger)
    agreed: dict[ServiceCategory, int]  # services per year the contracts agree (R-4.1-contract)


@dataclass(frozen=True, slots=True)
class StaffFigures:
    active_by_kind: dict[StaffKind, int]  # the insurer's own active staff
    management: int  # active management staff (R-7.1-staff)
    management_trained: int  # of them, trained at least the ruleset's times in the year
    trainings: int  # trainings of the insurer's staff in the year
    training_tenths: int  # their hours, in tenths of an hour (exact on SQLite too)


@dataclass(frozen=True, slots=True)
class AgencyFigures:
    engaged: int  # agencies that completed a service of the insurer in the year
    suspended: int  # of them, suspended now (R-7.1-staff: no new work)
    qualified: int  # of them, holding a qualification valid on the year's last day
    # No count of the agencies' staff: an insurer's scope does not read other employers'
    # staff (policies/policy.csv), so any such figure would read as zero.


@dataclass(frozen=True, slots=True)
class AnswerFigures:
    answered: int  # complaints filed in the year and answered
    complete: int  # of them, answers with all three parts (R-6.4-complaint)


@dataclass(frozen=True, slots=True)
class UnbackedSpending:
    entries: int  # expenditures in the year that name no service (R-7.3-ledger)
    fen: int


def _scaled(amount: Any, factor: int) -> ColumnElement[int]:
    """``amount`` x ``factor`` as a whole number, rounded in SQL so that sums stay exact
    (SQLite keeps NUMERIC as REAL): yuan x 100 = fen, hours x 10 = tenths."""
    return cast(func.round(amount * factor), Integer)


def _fen(amount: Any) -> ColumnElement[int]:
    return _scaled(amount, 100)


def _overlaps(window: YearWindow) -> ColumnElement[bool]:
    return and_(
        InsurancePolicy.insurer_id == window.insurer_id,
        InsurancePolicy.period_start < window.end_day,
        InsurancePolicy.period_end > window.first_day,
    )


class EvaluationFiguresRepository:
    def __init__(self, session: AsyncSession, scope: RowScope = EVERYTHING) -> None:
        self.session = session
        self.scope = scope

    async def contracts(self, window: YearWindow) -> ContractFigures:
        s = self.scope
        has_scheme = exists().where(
            ServiceScheme.policy_id == InsurancePolicy.id, s.where(ServiceScheme)
        )
        totals = (
            await self.session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(case((has_scheme, 1), else_=0)), 0),
                    func.coalesce(
                        func.sum(
                            _fen(InsurancePolicy.premium * InsurancePolicy.prevention_fee_ratio)
                        ),
                        0,
                    ),
                ).where(_overlaps(window), s.where(InsurancePolicy))
            )
        ).one()
        items = await self.session.execute(
            select(PolicyServiceItem.category, func.sum(PolicyServiceItem.frequency_per_year))
            .join(InsurancePolicy, InsurancePolicy.id == PolicyServiceItem.policy_id)
            .where(_overlaps(window), s.where(InsurancePolicy), s.where(PolicyServiceItem))
            .group_by(PolicyServiceItem.category)
        )
        return ContractFigures(
            policies=int(totals[0]),
            with_scheme=int(totals[1]),
            agreed_fee_fen=int(totals[2]),
            agreed={ServiceCategory(c): int(n) for c, n in items},
        )

    async def staff(self, window: YearWindow, trainings_per_year: int) -> StaffFigures:
        s = self.scope
        own = and_(
            StaffMember.insurer_id == window.insurer_id,
            StaffMember.active.is_(True),
            s.where(StaffMember),
        )
        by_kind = await self.session.execute(
            select(StaffMember.kind, func.count()).where(own).group_by(StaffMember.kind)
        )
        in_year = and_(
            StaffTraining.insurer_id == window.insurer_id,
            StaffTraining.trained_on >= window.first_day,
            StaffTraining.trained_on < window.end_day,
            s.where(StaffTraining),
        )
        trained = (
            select(StaffTraining.staff_id)
            .where(in_year)
            .group_by(StaffTraining.staff_id)
            .having(func.count() >= trainings_per_year)
        )
        management = (
            await self.session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(case((StaffMember.id.in_(trained), 1), else_=0)), 0),
                ).where(own, StaffMember.kind == StaffKind.MANAGEMENT)
            )
        ).one()
        trainings = (
            await self.session.execute(
                select(
                    func.count(), func.coalesce(func.sum(_scaled(StaffTraining.hours, 10)), 0)
                ).where(in_year)
            )
        ).one()
        return StaffFigures(
            active_by_kind={StaffKind(k): int(n) for k, n in by_kind},
            management=int(management[0]),
            management_trained=int(management[1]),
            trainings=int(trainings[0]),
            training_tenths=int(trainings[1]),
        )

    async def agencies(self, window: YearWindow) -> AgencyFigures:
        s = self.scope
        engaged = (
            select(ServiceRecord.agency_id)
            .where(
                ServiceRecord.insurer_id == window.insurer_id,
                ServiceRecord.agency_id.is_not(None),
                ServiceRecord.completed_at >= window.starts,
                ServiceRecord.completed_at < window.ends,
                s.where(ServiceRecord),
            )
            .distinct()
        )
        last_day = date.fromordinal(window.end_day.toordinal() - 1)
        qualified = exists().where(
            AgencyQualification.agency_id == Agency.id,
            or_(
                AgencyQualification.valid_until.is_(None),
                AgencyQualification.valid_until >= last_day,
            ),
            s.where(AgencyQualification),
        )
        row = (
            await self.session.execute(
                select(
                    func.count(),
                    func.coalesce(
                        func.sum(case((Agency.status == AgencyStatus.SUSPENDED, 1), else_=0)), 0
                    ),
                    func.coalesce(func.sum(case((qualified, 1), else_=0)), 0),
                ).where(Agency.id.in_(engaged), s.where(Agency))
            )
        ).one()
        return AgencyFigures(engaged=int(row[0]), suspended=int(row[1]), qualified=int(row[2]))

    async def answers(self, window: YearWindow, parts: Sequence[str]) -> AnswerFigures:
        """``parts``: the ruleset's answer parts, each the column ``answer_<part>``."""
        columns = [getattr(Complaint, f"answer_{part}") for part in parts]
        complete = and_(*(func.coalesce(func.trim(c), "") != "" for c in columns))
        row = (
            await self.session.execute(
                select(
                    func.count(), func.coalesce(func.sum(case((complete, 1), else_=0)), 0)
                ).where(
                    Complaint.insurer_id == window.insurer_id,
                    Complaint.filed_at >= window.starts,
                    Complaint.filed_at < window.ends,
                    Complaint.answered_at.is_not(None),
                    self.scope.where(Complaint),
                )
            )
        ).one()
        return AnswerFigures(answered=int(row[0]), complete=int(row[1]))

    async def unbacked_spending(self, window: YearWindow) -> UnbackedSpending:
        row = (
            await self.session.execute(
                select(func.count(), func.coalesce(func.sum(_fen(FeeLedgerEntry.amount)), 0)).where(
                    FeeLedgerEntry.insurer_id == window.insurer_id,
                    FeeLedgerEntry.kind == LedgerEntryKind.EXPENDITURE,
                    FeeLedgerEntry.service_record_id.is_(None),
                    FeeLedgerEntry.occurred_on >= window.first_day,
                    FeeLedgerEntry.occurred_on < window.end_day,
                    self.scope.where(FeeLedgerEntry),
                )
            )
        ).one()
        return UnbackedSpending(entries=int(row[0]), fen=int(row[1]))
