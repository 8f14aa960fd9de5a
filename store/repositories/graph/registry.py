"""What the read compiler knows about each entity: its model, relations, sorts and filters.

Scalars need no entry: every mapped column of the model is readable under its attribute
name (the GraphQL type decides which it exposes). Relations, sort keys and filters are
declared here, next to each other, so a reader sees one entity's read surface at a glance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, exists, select

from store import models as m
from store.base import Base
from store.repositories.region import regions_within

FilterFn = Callable[[Any, Any], ColumnElement[bool]]  # (aliased entity, value) → condition


@dataclass(frozen=True, slots=True)
class Through:
    """A many-to-many hop: ``table.source == outer pk`` and ``table.target == target pk``."""

    table: type[Base]
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class Relation:
    target: str  # entity name
    local: str  # attribute on this entity (a foreign key for to-one, usually "id" for to-many)
    remote: str = "id"  # attribute on the target
    through: Through | None = None


@dataclass(slots=True)
class Entity:
    model: type[Base]
    pk: str = "id"
    to_one: dict[str, Relation] = field(default_factory=dict)
    to_many: dict[str, Relation] = field(default_factory=dict)
    sorts: dict[str, str] = field(default_factory=dict)  # sort name → attribute
    filters: dict[str, FilterFn] = field(default_factory=dict)

    def column(self, entity: Any, name: str) -> ColumnElement[Any]:
        """The column ``name`` of ``entity`` (a mapped or aliased class) as an expression."""
        attribute = getattr(entity, name, None)
        if attribute is None:
            raise KeyError(f"{self.model.__name__} has no column {name!r}")
        expression: ColumnElement[Any] = attribute.expression
        return expression


# -- filter building blocks (shared by several entities) ---------------------------------


def in_jurisdiction(region_column: Any, code: str) -> ColumnElement[bool]:
    """Regions at or below ``code``, through the closure table — never string prefixes."""
    return region_column.in_(regions_within(code))  # type: ignore[no-any-return]


def unit_where(unit_column: Any, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return unit_column.in_(select(m.InsuredUnit.id).where(condition))  # type: ignore[no-any-return]


def by_unit_region(attr: str = "unit_id") -> FilterFn:
    return lambda e, code: unit_where(
        getattr(e, attr), in_jurisdiction(m.InsuredUnit.region_code, code)
    )


def by_unit_industry(attr: str = "unit_id") -> FilterFn:
    return lambda e, codes: unit_where(getattr(e, attr), m.InsuredUnit.industry_code.in_(codes))


def by_unit_credit_code(attr: str = "unit_id") -> FilterFn:
    return lambda e, code: unit_where(getattr(e, attr), m.InsuredUnit.credit_code == code)


def among(attr: str) -> FilterFn:
    return lambda e, values: getattr(e, attr).in_(values)


def equals(attr: str) -> FilterFn:
    return lambda e, value: getattr(e, attr) == value


def at_or_after(attr: str) -> FilterFn:
    return lambda e, value: getattr(e, attr) >= value


def before(attr: str) -> FilterFn:
    """Half-open ranges: ``[from, to)``."""
    return lambda e, value: getattr(e, attr) < value


def untold_major_hazard(e: Any, wanted: bool) -> ColumnElement[bool]:
    """R-6.2-major-hazard: a major hazard found and the unit not told."""
    found = exists().where(
        m.Hazard.service_record_id == e.id, m.Hazard.is_major.is_(True), m.Hazard.told_at.is_(None)
    )
    return found if wanted else ~found


def is_null(attr: str) -> FilterFn:
    return lambda e, wanted: getattr(e, attr).is_(None) if wanted else getattr(e, attr).is_not(None)


_UNIT_FILTERS: dict[str, FilterFn] = {
    "region": by_unit_region(),
    "industry": by_unit_industry(),
    "unit_credit_code": by_unit_credit_code(),
    "unit": among("unit_id"),
    "insurer": among("insurer_id"),
}


def _one(target: str, local: str, remote: str = "id") -> Relation:
    return Relation(target=target, local=local, remote=remote)


def _many(target: str, remote: str, local: str = "id") -> Relation:
    return Relation(target=target, local=local, remote=remote)


ENTITIES: dict[str, Entity] = {
    "region": Entity(
        m.Region,
        pk="code",
        to_one={"parent": _one("region", "parent_code", "code")},
        to_many={"children": _many("region", "parent_code", "code")},
        sorts={"id": "code"},
        filters={
            "within": lambda e, code: in_jurisdiction(e.code, code),
            "level": among("level"),
            "parent": equals("parent_code"),
        },
    ),
    "industry": Entity(
        m.Industry,
        pk="code",
        sorts={"id": "code"},
        filters={
            "high_risk": lambda e, wanted: (
                e.high_risk_category.is_not(None) if wanted else e.high_risk_category.is_(None)
            )
        },
    ),
    "insurer": Entity(
        m.Insurer,
        to_many={
            "branches": _many("insurer_branch", "insurer_id"),
            "evaluations": _many("annual_evaluation", "insurer_id"),
            "policies": _many("insurance_policy", "insurer_id"),
            "service_records": _many("service_record", "insurer_id"),
        },
        sorts={"id": "id", "code": "code"},
        filters={"code": among("code")},
    ),
    "insurer_branch": Entity(
        m.InsurerBranch,
        to_one={
            "insurer": _one("insurer", "insurer_id"),
            "region": _one("region", "region_code", "code"),
        },
        filters={
            "insurer": among("insurer_id"),
            "region": lambda e, code: in_jurisdiction(e.region_code, code),
        },
    ),
    "insured_unit": Entity(
        m.InsuredUnit,
        to_one={
            "region": _one("region", "region_code", "code"),
            "industry": _one("industry", "industry_code", "code"),
        },
        to_many={
            "policies": _many("insurance_policy", "unit_id"),
            "service_records": _many("service_record", "unit_id"),
            "complaints": _many("complaint", "unit_id"),
            "ledger_entries": _many("fee_ledger_entry", "unit_id"),
        },
        sorts={"id": "id", "name": "name"},
        filters={
            "region": lambda e, code: in_jurisdiction(e.region_code, code),
            "industry": among("industry_code"),
            "credit_code": equals("credit_code"),
            "above_designated_size": equals("above_designated_size"),
            "insurer": lambda e, ids: e.id.in_(
                select(m.InsurancePolicy.unit_id).where(m.InsurancePolicy.insurer_id.in_(ids))
            ),
        },
    ),
    "agency": Entity(
        m.Agency,
        to_one={"region": _one("region", "region_code", "code")},
        to_many={
            "qualifications": _many("agency_qualification", "agency_id"),
            "status_history": _many("agency_status_change", "agency_id"),
            "service_records": _many("service_record", "agency_id"),
            "staff": _many("staff_member", "agency_id"),
        },
        sorts={"id": "id", "name": "name"},
        filters={
            "kind": among("kind"),
            "status": among("status"),
            "region": lambda e, code: in_jurisdiction(e.region_code, code),
        },
    ),
    "agency_qualification": Entity(m.AgencyQualification),
    "agency_status_change": Entity(m.AgencyStatusChange),
    "staff_member": Entity(
        m.StaffMember,
        to_one={"insurer": _one("insurer", "insurer_id"), "agency": _one("agency", "agency_id")},
        to_many={"trainings": _many("staff_training", "staff_id")},
        filters={
            "kind": among("kind"),
            "insurer": among("insurer_id"),
            "agency": among("agency_id"),
            "active": equals("active"),
        },
    ),
    "staff_training": Entity(
        m.StaffTraining,
        to_one={
            "staff": _one("staff_member", "staff_id"),
            "insurer": _one("insurer", "insurer_id"),
        },
        sorts={"id": "id", "trained_on": "trained_on"},
        filters={
            "insurer": among("insurer_id"),
            "trained_from": at_or_after("trained_on"),
            "trained_to": before("trained_on"),
        },
    ),
    "insurance_policy": Entity(
        m.InsurancePolicy,
        to_one={
            "insurer": _one("insurer", "insurer_id"),
            "unit": _one("insured_unit", "unit_id"),
            "branch": _one("insurer_branch", "branch_id"),
        },
        to_many={
            "service_items": _many("policy_service_item", "policy_id"),
            "schemes": _many("service_scheme", "policy_id"),
            "service_records": _many("service_record", "policy_id"),
            "ledger_entries": _many("fee_ledger_entry", "policy_id"),
        },
        sorts={"id": "id", "period_start": "period_start"},
        filters={
            **_UNIT_FILTERS,
            "active_on": lambda e, day: (e.period_start <= day) & (e.period_end > day),
        },
    ),
    "policy_service_item": Entity(m.PolicyServiceItem),
    "service_scheme": Entity(
        m.ServiceScheme,
        to_one={
            "insurer": _one("insurer", "insurer_id"),
            "policy": _one("insurance_policy", "policy_id"),
            "unit": _one("insured_unit", "unit_id"),
            "agency": _one("agency", "agency_id"),
            "supersedes": _one("service_scheme", "supersedes_id"),
        },
        to_many={
            "items": _many("scheme_item", "scheme_id"),
            "staff": Relation(
                "staff_member", "id", through=Through(m.SchemeStaff, "scheme_id", "staff_id")
            ),
        },
        sorts={"id": "id", "agreed_at": "agreed_at"},
        filters={**_UNIT_FILTERS, "policy": among("policy_id")},
    ),
    "scheme_item": Entity(m.SchemeItem),
    "service_record": Entity(
        m.ServiceRecord,
        to_one={
            "insurer": _one("insurer", "insurer_id"),
            "unit": _one("insured_unit", "unit_id"),
            "policy": _one("insurance_policy", "policy_id"),
            "scheme": _one("service_scheme", "scheme_id"),
            "agency": _one("agency", "agency_id"),
            "responsible_agency": _one("agency", "responsible_agency_id"),
        },
        to_many={
            "hazards": _many("hazard", "service_record_id"),
            "follow_ups": _many("follow_up", "service_record_id"),
            "confirmations": _many("unit_confirmation", "service_record_id"),
            "staff": Relation(
                "staff_member",
                "id",
                through=Through(m.ServiceRecordStaff, "service_record_id", "staff_id"),
            ),
        },
        sorts={"id": "id", "completed_at": "completed_at", "planned_on": "planned_on"},
        filters={
            **_UNIT_FILTERS,
            "agency": among("agency_id"),
            "policy": among("policy_id"),
            "category": among("category"),
            "status": among("status"),
            "completed_from": at_or_after("completed_at"),
            "completed_to": before("completed_at"),
            "planned_from": at_or_after("planned_on"),
            "planned_to": before("planned_on"),
            "untold_major_hazard": untold_major_hazard,
        },
    ),
    "hazard": Entity(
        m.Hazard,
        to_one={"service_record": _one("service_record", "service_record_id")},
        filters={
            "is_major": equals("is_major"),
            "untold": is_null("told_at"),
            "found_from": at_or_after("found_at"),
            "found_to": before("found_at"),
        },
    ),
    "follow_up": Entity(
        m.FollowUp,
        to_one={
            "service_record": _one("service_record", "service_record_id"),
            "staff": _one("staff_member", "staff_id"),
        },
        sorts={"id": "id", "visited_at": "visited_at"},
        filters={"method": among("method"), "satisfaction": among("satisfaction")},
    ),
    "unit_confirmation": Entity(
        m.UnitConfirmation,
        to_one={
            "service_record": _one("service_record", "service_record_id"),
            "unit": _one("insured_unit", "unit_id"),
        },
        filters={"decision": among("decision")},
    ),
    "complaint": Entity(
        m.Complaint,
        to_one={
            "insurer": _one("insurer", "insurer_id"),
            "unit": _one("insured_unit", "unit_id"),
            "service_record": _one("service_record", "service_record_id"),
        },
        sorts={"id": "id", "filed_at": "filed_at"},
        filters={
            **_UNIT_FILTERS,
            "status": among("status"),
            "unanswered": is_null("answered_at"),
            "needs_verification": equals("needs_verification"),
            "filed_from": at_or_after("filed_at"),
            "filed_to": before("filed_at"),
        },
    ),
    "fee_ledger_entry": Entity(
        m.FeeLedgerEntry,
        to_one={
            "insurer": _one("insurer", "insurer_id"),
            "unit": _one("insured_unit", "unit_id"),
            "policy": _one("insurance_policy", "policy_id"),
            "service_record": _one("service_record", "service_record_id"),
            "corrects": _one("fee_ledger_entry", "corrects_id"),
        },
        sorts={"id": "id", "occurred_on": "occurred_on"},
        filters={
            **_UNIT_FILTERS,
            "policy": among("policy_id"),
            "kind": among("kind"),
            "occurred_from": at_or_after("occurred_on"),
            "occurred_to": before("occurred_on"),
        },
    ),
    "agency_contract": Entity(
        m.AgencyContract,
        to_one={
            "insurer": _one("insurer", "insurer_id"),
            "agency": _one("agency", "agency_id"),
            "unit": _one("insured_unit", "unit_id"),
            "policy": _one("insurance_policy", "policy_id"),
        },
        sorts={"id": "id", "signed_on": "signed_on"},
        filters={
            **_UNIT_FILTERS,
            "agency": among("agency_id"),
            "policy": among("policy_id"),
        },
    ),
    "annual_evaluation": Entity(
        m.AnnualEvaluation,
        to_one={
            "insurer": _one("insurer", "insurer_id"),
            "supersedes": _one("annual_evaluation", "supersedes_id"),
        },
        sorts={"id": "id", "year": "year"},
        filters={"insurer": among("insurer_id"), "year": among("year"), "status": among("status")},
    ),
    "improvement_measure": Entity(
        m.ImprovementMeasure,
        to_one={
            "insurer": _one("insurer", "insurer_id"),
            "evaluation": _one("annual_evaluation", "evaluation_id"),
            "complaint": _one("complaint", "complaint_id"),
            "follow_up": _one("follow_up", "follow_up_id"),
        },
        sorts={"id": "id", "due_on": "due_on"},
        filters={
            "insurer": among("insurer_id"),
            "source": among("source"),
            "status": among("status"),
        },
    ),
}
