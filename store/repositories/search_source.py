"""The rows search documents are built from, read in batches by id (the indexer, reindex).

Every column read here is named explicitly and checked against ``column.info`` when this
module loads: a personal or business-secret column (store/base.py ``sensitive()``) is never
read for search, so it can never be indexed as searchable text (R-4.2-privacy).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from store import models as m


def _searchable(*columns: InstrumentedAttribute[Any]) -> tuple[InstrumentedAttribute[Any], ...]:
    for column in columns:
        if column.property.columns[0].info.get("sensitivity"):
            raise AssertionError(f"{column} is personal or secret: never read for search")
    return columns


@dataclass(frozen=True, slots=True)
class RegionStep:
    code: str
    name: str
    level: str  # province | city | county


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """What every unit-anchored document carries about its unit (access fields included)."""

    id: int
    credit_code: str
    name: str
    region_code: str
    region_path: tuple[RegionStep, ...]  # the region and its ancestors, top first
    industry_code: str
    industry_name: str


@dataclass(frozen=True, slots=True)
class HazardText:
    description: str
    is_major: bool


@dataclass(frozen=True, slots=True)
class ServiceRecordSource:
    id: int
    insurer_id: int
    unit: UnitFacts
    category: str
    status: str
    planned_on: date
    completed_at: datetime | None
    place: str
    content: str
    process: str | None
    agency_ids: tuple[int, ...]  # the agency and the responsible agency (scope "assigned")
    hazards: tuple[HazardText, ...]
    follow_up_comments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ComplaintSource:
    id: int
    insurer_id: int
    unit: UnitFacts
    filed_at: datetime
    status: str
    request: str
    answer_request: str | None
    answer_facts: str | None
    answer_measures: str | None


@dataclass(frozen=True, slots=True)
class SchemeSource:
    id: int
    insurer_id: int
    unit: UnitFacts
    version: int
    agreed_at: datetime
    time_limits: str
    expected_effect: str
    guarantees: str
    liability_terms: str
    complaint_arbitration: str
    items: tuple[tuple[str, str | None], ...]  # (category, description)


@dataclass(frozen=True, slots=True)
class EvaluationSource:
    id: int
    insurer_id: int
    insurer_name: str
    year: int
    version: int
    status: str
    method: str
    evaluator: str | None
    sections: tuple[str, ...]  # the six sections of R-8.1-evaluation, in order


@dataclass(frozen=True, slots=True)
class UnitSource:
    unit: UnitFacts
    address: str | None
    insurer_ids: tuple[int, ...]  # insurers with a policy on the unit (scope "own_tenant")
    agency_ids: tuple[int, ...]  # agencies of its service records (scope "assigned")


Source = ServiceRecordSource | ComplaintSource | SchemeSource | EvaluationSource | UnitSource

_UNIT = _searchable(
    m.InsuredUnit.id,
    m.InsuredUnit.credit_code,
    m.InsuredUnit.name,
    m.InsuredUnit.region_code,
    m.InsuredUnit.industry_code,
    m.Industry.name,
)
_RECORD = _searchable(
    m.ServiceRecord.id,
    m.ServiceRecord.insurer_id,
    m.ServiceRecord.unit_id,
    m.ServiceRecord.category,
    m.ServiceRecord.status,
    m.ServiceRecord.planned_on,
    m.ServiceRecord.completed_at,
    m.ServiceRecord.place,
    m.ServiceRecord.content,
    m.ServiceRecord.process,
    m.ServiceRecord.agency_id,
    m.ServiceRecord.responsible_agency_id,
)
_COMPLAINT = _searchable(
    m.Complaint.id,
    m.Complaint.insurer_id,
    m.Complaint.unit_id,
    m.Complaint.filed_at,
    m.Complaint.status,
    m.Complaint.request,
    m.Complaint.answer_request,
    m.Complaint.answer_facts,
    m.Complaint.answer_measures,
)
_SCHEME = _searchable(
    m.ServiceScheme.id,
    m.ServiceScheme.insurer_id,
    m.ServiceScheme.unit_id,
    m.ServiceScheme.version,
    m.ServiceScheme.agreed_at,
    m.ServiceScheme.time_limits,
    m.ServiceScheme.expected_effect,
    m.ServiceScheme.guarantees,
    m.ServiceScheme.liability_terms,
    m.ServiceScheme.complaint_arbitration,
)
_EVALUATION = _searchable(
    m.AnnualEvaluation.id,
    m.AnnualEvaluation.insurer_id,
    m.Insurer.name,
    m.AnnualEvaluation.year,
    m.AnnualEvaluation.version,
    m.AnnualEvaluation.status,
    m.AnnualEvaluation.method,
    m.AnnualEvaluation.evaluator,
    m.AnnualEvaluation.scheme_implementation,
    m.AnnualEvaluation.unit_satisfaction,
    m.AnnualEvaluation.fee_expenditure,
    m.AnnualEvaluation.staff_competence,
    m.AnnualEvaluation.complaints_handling,
    m.AnnualEvaluation.problems_and_measures,
)
_CHILDREN = _searchable(
    m.Hazard.service_record_id,
    m.Hazard.description,
    m.Hazard.is_major,
    m.FollowUp.service_record_id,
    m.FollowUp.comments,
    m.SchemeItem.scheme_id,
    m.SchemeItem.category,
    m.SchemeItem.description,
    m.InsuredUnit.address,
)


def _value(item: Any) -> Any:
    return getattr(item, "value", item)  # enums as their stable codes


class SearchSourceRepository:
    """Batch loaders: a list of ids in, the sources of the rows that exist out (a missing id
    is a deleted row: the indexer deletes its document)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _rows(self, columns: Sequence[Any], *where: ColumnElement[bool]) -> list[Any]:
        return list(await self.session.execute(select(*columns).where(*where)))

    async def _paths(self, region_codes: Iterable[str]) -> dict[str, tuple[RegionStep, ...]]:
        codes = set(region_codes)
        if not codes:
            return {}
        rows = await self._rows(
            (
                m.RegionAncestor.region_code,
                m.RegionAncestor.depth,
                m.Region.code,
                m.Region.name,
                m.Region.level,
            ),
            m.RegionAncestor.region_code.in_(codes),
            m.Region.code == m.RegionAncestor.ancestor_code,
        )
        steps: dict[str, list[tuple[int, RegionStep]]] = defaultdict(list)
        for region_code, depth, code, name, level in rows:
            steps[region_code].append((depth, RegionStep(code, name, _value(level))))
        # Deepest ancestor first in the closure's depth order: top of the hierarchy first.
        return {c: tuple(s for _, s in sorted(v, key=lambda p: -p[0])) for c, v in steps.items()}

    async def units(self, unit_ids: Iterable[int]) -> dict[int, UnitFacts]:
        ids = set(unit_ids)
        if not ids:
            return {}
        rows = await self._rows(
            _UNIT, m.InsuredUnit.id.in_(ids), m.Industry.code == m.InsuredUnit.industry_code
        )
        paths = await self._paths(row[3] for row in rows)
        return {
            r[0]: UnitFacts(r[0], r[1], r[2], r[3], paths.get(r[3], ()), r[4], r[5]) for r in rows
        }

    async def service_records(self, ids: Sequence[int]) -> list[ServiceRecordSource]:
        rows = await self._rows(_RECORD, m.ServiceRecord.id.in_(ids))
        units = await self.units(r.unit_id for r in rows)
        hazards: dict[int, list[HazardText]] = defaultdict(list)
        for record_id, text, major in await self._rows(
            _CHILDREN[0:3], m.Hazard.service_record_id.in_(ids)
        ):
            hazards[record_id].append(HazardText(text, bool(major)))
        comments: dict[int, list[str]] = defaultdict(list)
        for record_id, comment in await self._rows(
            _CHILDREN[3:5], m.FollowUp.service_record_id.in_(ids), m.FollowUp.comments.is_not(None)
        ):
            comments[record_id].append(comment)
        return [
            ServiceRecordSource(
                id=r.id,
                insurer_id=r.insurer_id,
                unit=units[r.unit_id],
                category=_value(r.category),
                status=_value(r.status),
                planned_on=r.planned_on,
                completed_at=r.completed_at,
                place=r.place,
                content=r.content,
                process=r.process,
                agency_ids=tuple(
                    sorted({a for a in (r.agency_id, r.responsible_agency_id) if a is not None})
                ),
                hazards=tuple(hazards[r.id]),
                follow_up_comments=tuple(comments[r.id]),
            )
            for r in rows
        ]

    async def complaints(self, ids: Sequence[int]) -> list[ComplaintSource]:
        rows = await self._rows(_COMPLAINT, m.Complaint.id.in_(ids))
        units = await self.units(r.unit_id for r in rows)
        return [
            ComplaintSource(
                id=r.id,
                insurer_id=r.insurer_id,
                unit=units[r.unit_id],
                filed_at=r.filed_at,
                status=_value(r.status),
                request=r.request,
                answer_request=r.answer_request,
                answer_facts=r.answer_facts,
                answer_measures=r.answer_measures,
            )
            for r in rows
        ]

    async def service_schemes(self, ids: Sequence[int]) -> list[SchemeSource]:
        rows = await self._rows(_SCHEME, m.ServiceScheme.id.in_(ids))
        units = await self.units(r.unit_id for r in rows)
        items: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
        for scheme_id, category, description in await self._rows(
            _CHILDREN[5:8], m.SchemeItem.scheme_id.in_(ids)
        ):
            items[scheme_id].append((_value(category), description))
        return [
            SchemeSource(
                id=r.id,
                insurer_id=r.insurer_id,
                unit=units[r.unit_id],
                version=r.version,
                agreed_at=r.agreed_at,
                time_limits=r.time_limits,
                expected_effect=r.expected_effect,
                guarantees=r.guarantees,
                liability_terms=r.liability_terms,
                complaint_arbitration=r.complaint_arbitration,
                items=tuple(items[r.id]),
            )
            for r in rows
        ]

    async def annual_evaluations(self, ids: Sequence[int]) -> list[EvaluationSource]:
        rows = await self._rows(
            _EVALUATION,
            m.AnnualEvaluation.id.in_(ids),
            m.Insurer.id == m.AnnualEvaluation.insurer_id,
        )
        return [
            EvaluationSource(
                id=r[0],
                insurer_id=r[1],
                insurer_name=r[2],
                year=r[3],
                version=r[4],
                status=_value(r[5]),
                method=_value(r[6]),
                evaluator=r[7],
                sections=tuple(r[8:14]),
            )
            for r in rows
        ]

    async def insured_units(self, ids: Sequence[int]) -> list[UnitSource]:
        units = await self.units(ids)
        addresses = dict(
            await self._rows((m.InsuredUnit.id, _CHILDREN[8]), m.InsuredUnit.id.in_(ids))
        )
        insurers: dict[int, set[int]] = defaultdict(set)
        for unit_id, insurer_id in await self._rows(
            (m.InsurancePolicy.unit_id, m.InsurancePolicy.insurer_id),
            m.InsurancePolicy.unit_id.in_(ids),
        ):
            insurers[unit_id].add(insurer_id)
        agencies: dict[int, set[int]] = defaultdict(set)
        for unit_id, agency, responsible in await self._rows(
            (
                m.ServiceRecord.unit_id,
                m.ServiceRecord.agency_id,
                m.ServiceRecord.responsible_agency_id,
            ),
            m.ServiceRecord.unit_id.in_(ids),
        ):
            agencies[unit_id].update(a for a in (agency, responsible) if a is not None)
        return [
            UnitSource(
                unit=facts,
                address=addresses.get(unit_id),
                insurer_ids=tuple(sorted(insurers[unit_id])),
                agency_ids=tuple(sorted(agencies[unit_id])),
            )
            for unit_id, facts in sorted(units.items())
        ]


# The table of each searchable type, for counting and walking its ids (reindex).
_TABLES: dict[str, Any] = {
    "service_record": m.ServiceRecord,
    "complaint": m.Complaint,
    "service_scheme": m.ServiceScheme,
    "annual_evaluation": m.AnnualEvaluation,
    "insured_unit": m.InsuredUnit,
}


class SearchChangeRepository:
    """Which documents a change touches, and every id of a type (reindex, reconciliation)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _ids(self, column: Any, *where: ColumnElement[bool]) -> set[int]:
        return set((await self.session.execute(select(column).where(*where))).scalars())

    async def units_of_records(self, record_ids: set[int]) -> set[int]:
        if not record_ids:
            return set()
        return await self._ids(m.ServiceRecord.unit_id, m.ServiceRecord.id.in_(record_ids))

    async def units_of_policies(self, policy_ids: set[int]) -> set[int]:
        if not policy_ids:
            return set()
        return await self._ids(m.InsurancePolicy.unit_id, m.InsurancePolicy.id.in_(policy_ids))

    async def anchored_to_units(self, unit_ids: set[int]) -> dict[str, set[int]]:
        """The unit-anchored documents of these units (their region or name changed)."""
        if not unit_ids:
            return {}
        return {
            doc_type: await self._ids(_TABLES[doc_type].id, _TABLES[doc_type].unit_id.in_(unit_ids))
            for doc_type in ("service_record", "complaint", "service_scheme")
        }

    async def evaluations_of(self, insurer_ids: set[int]) -> set[int]:
        if not insurer_ids:
            return set()
        return await self._ids(
            m.AnnualEvaluation.id, m.AnnualEvaluation.insurer_id.in_(insurer_ids)
        )

    async def count(self, doc_type: str) -> int:
        table = _TABLES[doc_type]
        return int((await self.session.execute(select(func.count(table.id)))).scalar_one())

    async def ids_after(self, doc_type: str, after: int, limit: int) -> list[int]:
        """The next ``limit`` ids above ``after``, ascending (keyset: page 1,000 costs what
        page 1 costs)."""
        table = _TABLES[doc_type]
        stmt = select(table.id).where(table.id > after).order_by(table.id).limit(limit)
        return list((await self.session.execute(stmt)).scalars())
