"""The scope compiler: an identity's grants and the policy's decisions → a WHERE clause per
table, applied by every read of the application (DESIGN.md "Roles and scopes").

Casbin answers *whether* and *with which scope kind*; this module turns the kind into SQL.
Jurisdiction uses the region closure table (the hierarchy stored as data), never code
prefixes. A table the policy does not name for any grant compiles to FALSE: no row, and a
single item outside the scope reads as absent ("not found", never "forbidden"). An
identity's grants are alternatives (OR), its jurisdictions first folded into one region list
per industry set (policies/jurisdictions.py): the whole country is one condition, not 31.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, false, inspect, or_, select, true
from sqlalchemy.orm import aliased

from policies.identity import Identity, RoleGrant
from policies.jurisdictions import Jurisdictions, Part, fold
from policies.resources import CHILDREN, UNIT_ANCHORED, UNIT_SUBJECTS, Action, ScopeKind
from store import models as m
from store.enums import Role
from store.repositories.region import regions_within

logger = logging.getLogger(__name__)

Decide = Callable[[str, str, str], ScopeKind | None]  # (role, resource, action) → kind


def _sub(*columns: Any) -> Select[Any]:
    """A subquery that never correlates: the statement around it may read the same table
    unaliased (the statistics do), and auto-correlation would silently empty its FROM."""
    return select(*columns).correlate(None)


def _resource(entity: Any) -> str:
    return str(inspect(entity).mapper.class_.__tablename__)


def units_in_jurisdiction(regions: Sequence[str], industry_codes: Sequence[str]) -> Select[Any]:
    """The units whose region lies under any of ``regions``: one semi-join however many
    jurisdiction grants were folded into the list (policies/jurisdictions.py)."""
    units = _sub(m.InsuredUnit.id).where(m.InsuredUnit.region_code.in_(regions_within(regions)))
    if industry_codes:
        units = units.where(m.InsuredUnit.industry_code.in_(industry_codes))
    return units


def units_of_tenant(insurer_id: int | None) -> Select[Any]:
    return _sub(m.InsurancePolicy.unit_id).where(m.InsurancePolicy.insurer_id == insurer_id)


def records_of_agency(agency_id: int | None) -> Select[Any]:
    return _sub(m.ServiceRecord.id).where(
        or_(
            m.ServiceRecord.agency_id == agency_id,
            m.ServiceRecord.responsible_agency_id == agency_id,
        )
    )


def _anchored_units(resource: str, entity: Any, units: Select[Any]) -> ColumnElement[bool] | None:
    column = UNIT_ANCHORED.get(resource)
    if column is not None:
        condition: ColumnElement[bool] = getattr(entity, column).in_(units)
        return condition
    subjects = UNIT_SUBJECTS.get(resource)
    if subjects is None:
        return None
    # About several units (an audit entry): in scope when any of them is.
    table, key, unit_column = subjects
    listed = m.model_of(table)
    named = _sub(getattr(listed, key)).where(getattr(listed, unit_column).in_(units))
    about: ColumnElement[bool] = entity.id.in_(named)
    return about


def _jurisdictions(resource: str, entity: Any, within: Jurisdictions) -> ColumnElement[bool] | None:
    return _anchored_units(
        resource, entity, units_in_jurisdiction(within.regions, within.industry_codes)
    )


def _jurisdiction(resource: str, entity: Any, grant: RoleGrant) -> ColumnElement[bool] | None:
    if grant.region_code is None:
        return None
    return _jurisdictions(
        resource, entity, Jurisdictions((grant.region_code,), grant.industry_codes)
    )


def _own_tenant(resource: str, entity: Any, grant: RoleGrant) -> ColumnElement[bool] | None:
    tenant = grant.insurer_id
    if tenant is None:
        return None
    if resource == "insurer":
        return entity.id == tenant  # type: ignore[no-any-return]
    if resource == "insured_unit":
        return entity.id.in_(units_of_tenant(tenant))  # type: ignore[no-any-return]
    if resource == "unit_confirmation":
        own = _sub(m.ServiceRecord.id).where(m.ServiceRecord.insurer_id == tenant)
        return entity.service_record_id.in_(own)  # type: ignore[no-any-return]
    if hasattr(entity, "insurer_id"):
        return entity.insurer_id == tenant  # type: ignore[no-any-return]
    return None


def _own_unit(resource: str, entity: Any, grant: RoleGrant) -> ColumnElement[bool] | None:
    unit = grant.unit_id
    if unit is None:
        return None
    if resource == "insurer":
        insurers = _sub(m.InsurancePolicy.insurer_id).where(m.InsurancePolicy.unit_id == unit)
        return entity.id.in_(insurers)  # type: ignore[no-any-return]
    if resource == "agency":
        served = _sub(m.ServiceRecord.agency_id).where(m.ServiceRecord.unit_id == unit)
        return entity.id.in_(served)  # type: ignore[no-any-return]
    column = UNIT_ANCHORED.get(resource)
    if column is None:
        return None
    return getattr(entity, column) == unit  # type: ignore[no-any-return]


def _assigned(resource: str, entity: Any, grant: RoleGrant) -> ColumnElement[bool] | None:
    agency = grant.agency_id
    if agency is None:
        return None
    records = records_of_agency(agency)
    if resource == "service_record":
        return entity.id.in_(records)  # type: ignore[no-any-return]
    if resource == "unit_confirmation":
        return entity.service_record_id.in_(records)  # type: ignore[no-any-return]
    if resource == "insured_unit":
        units = _sub(m.ServiceRecord.unit_id).where(m.ServiceRecord.id.in_(records))
        return entity.id.in_(units)  # type: ignore[no-any-return]
    if resource == "insurer":
        insurers = _sub(m.ServiceRecord.insurer_id).where(m.ServiceRecord.id.in_(records))
        return entity.id.in_(insurers)  # type: ignore[no-any-return]
    if resource == "agency":
        return entity.id == agency  # type: ignore[no-any-return]
    if resource in ("staff_member", "agency_contract"):  # its staff, its own contracts
        return entity.agency_id == agency  # type: ignore[no-any-return]
    return None


def _evaluations(statuses: tuple[str, ...]) -> Callable[[str, Any, RoleGrant], Any]:
    def build(resource: str, entity: Any, grant: RoleGrant) -> ColumnElement[bool] | None:
        if resource != "annual_evaluation":
            return None
        condition: ColumnElement[bool] = entity.status.in_(statuses)
        return condition

    return build


_BUILDERS: dict[ScopeKind, Callable[[str, Any, RoleGrant], ColumnElement[bool] | None]] = {
    ScopeKind.JURISDICTION: _jurisdiction,
    ScopeKind.OWN_TENANT: _own_tenant,
    ScopeKind.OWN_UNIT: _own_unit,
    ScopeKind.ASSIGNED: _assigned,
    ScopeKind.PUBLISHED: _evaluations(("published",)),
    ScopeKind.SUBMITTED: _evaluations(("submitted", "published")),
}


def kind_condition(
    kind: ScopeKind, resource: str, entity: Any, grant: RoleGrant
) -> ColumnElement[bool]:
    """The rows of ``resource`` a grant sees under ``kind``; FALSE where the kind does not
    apply to the resource (a policy mistake denies rather than leaks)."""
    if kind is ScopeKind.ALL:
        return true()
    built = _BUILDERS[kind](resource, entity, grant)
    if built is None:
        logger.warning("scope kind %s does not apply to %s: denied", kind, resource)
        return false()
    return built


def _part_condition(part: Part, resource: str, entity: Any) -> ColumnElement[bool]:
    if isinstance(part, Jurisdictions):
        built = _jurisdictions(resource, entity, part)
        if built is None:
            logger.warning("scope kind jurisdiction does not apply to %s: denied", resource)
            return false()
        return built
    grant, kind = part
    return kind_condition(kind, resource, entity, grant)


def anchored(
    grant_kinds: Iterable[tuple[RoleGrant, ScopeKind]], anchor: str, entity: Any
) -> ColumnElement[bool]:
    """The rows of ``anchor`` (``entity``) inside the scope kinds granted: e.g. the insured
    units whose audit entries a regulator may read are the units of its jurisdiction, and
    every unit for an admin (``grant_kinds`` of ``Scope``). The grants are alternatives
    (OR), a regulator's several jurisdictions folded into one region list first."""
    parts = [_part_condition(part, anchor, entity) for part in fold(grant_kinds)]
    if not parts:
        return false()
    return parts[0] if len(parts) == 1 else or_(*parts)


def unit_of(entity: Any) -> ColumnElement[Any] | None:
    """The insured unit a row of ``entity`` is about, as SQL correlated to that row; None
    for rows about no unit. The paths are the scopes' own: the unit column of
    ``UNIT_ANCHORED``, or the parent's through ``CHILDREN`` (a hazard's record's unit)."""
    resource = _resource(entity)
    column = UNIT_ANCHORED.get(resource)
    if column is not None:
        unit: ColumnElement[Any] = getattr(entity, column)
        return unit
    parent = CHILDREN.get(resource)
    if parent is None or parent[1] not in UNIT_ANCHORED:
        return None
    foreign_key, parent_resource = parent
    parent_row = aliased(m.model_of(parent_resource))
    return (
        select(getattr(parent_row, UNIT_ANCHORED[parent_resource]))
        .where(parent_row.id == getattr(entity, foreign_key))
        .scalar_subquery()
    )


def supported(kind: ScopeKind, resource: str) -> bool:
    """Whether ``kind`` means something for ``resource`` (for the policy's own test)."""
    if kind is ScopeKind.ALL:
        return True
    # A child's rule is judged on its parent's row (Scope.where).
    resource = CHILDREN.get(resource, ("", resource))[1]
    entity = m.model_of(resource)
    grant = RoleGrant(role=Role.REGULATOR, region_code="0", insurer_id=0, unit_id=0, agency_id=0)
    return _BUILDERS[kind](resource, entity, grant) is not None


@dataclass
class Scope:
    """What one identity may see, per action: implements ``RowScope`` of the repositories."""

    identity: Identity
    decide: Decide
    action: Action = Action.READ
    _cache: dict[tuple[str, str, str], ScopeKind | None] = field(default_factory=dict)

    def _kind(self, role: str, resource: str, action: Action) -> ScopeKind | None:
        key = (role, resource, action.value)
        if key not in self._cache:
            self._cache[key] = self.decide(role, resource, action.value)
        return self._cache[key]

    def for_action(self, action: Action) -> Scope:
        return Scope(self.identity, self.decide, action, self._cache)

    @property
    def plan_key(self) -> tuple[object, ...]:
        """Everything ``where``, ``unmasked`` and ``always_masked`` depend on: equal keys build
        equal SQL, so a compiled read may be reused (store/repositories/graph/plans.py).
        ``decide`` is the loaded policy's method: a reloaded policy is another key."""
        return (type(self).__name__, self.action, self.identity.grants, self.decide)

    def where(self, entity: Any) -> ColumnElement[bool]:
        resource = _resource(entity)
        parent = CHILDREN.get(resource)
        if parent is not None:
            foreign_key, parent_resource = parent
            # An alias: the statement around may join the parent table itself (statistics
            # join follow_up to service_record), and must not mistake this for that join.
            parent_row = aliased(m.model_of(parent_resource))
            # The child's own right, bounded through the parent's anchor, for reads as for
            # writes: a write may add a follow-up to a record it may not change, and a read
            # of a child the policy does not name finds nothing (no row, no access; issue 4's
            # matrix caught units reading the qualifications of agencies that served them).
            on_parent = anchored(self.grant_kinds(resource), parent_resource, parent_row)
            visible = _sub(parent_row.id).where(on_parent)
            condition: ColumnElement[bool] = getattr(entity, foreign_key).in_(visible)
            return condition
        return anchored(self.grant_kinds(resource), resource, entity)

    def allows(self, resource: str) -> bool:
        """Whether any grant may take this action on ``resource`` at all (before any row)."""
        return bool(self.grant_kinds(resource))

    def grant_kinds(self, resource: str) -> list[tuple[RoleGrant, ScopeKind]]:
        return [
            (grant, kind)
            for grant in self.identity.grants
            for kind in self._kinds(grant.role.value, resource)
            if kind is not None
        ]

    def _kinds(self, role: str, resource: str) -> list[ScopeKind | None]:
        if self.action is Action.REFER:
            # What a principal may read it may also name; ``refer`` only widens that.
            return [
                self._kind(role, resource, Action.READ),
                self._kind(role, resource, self.action),
            ]
        return [self._kind(role, resource, self.action)]

    def unmasked(self, entity: Any, column: str) -> ColumnElement[bool]:
        """Rows where ``column`` may be shown (R-4.2-privacy); FALSE when no grant's policy
        names it, so the value is withheld."""
        resource = _resource(entity)
        granted = [
            (grant, kind)
            for grant in self.identity.grants
            if (kind := self._kind(grant.role.value, f"{resource}.{column}", Action.READ_PERSONAL))
            is not None
        ]
        return anchored(granted, resource, entity)

    def always_masked(self, entity: Any, column: str) -> bool:
        resource = _resource(entity)
        return all(
            self._kind(g.role.value, f"{resource}.{column}", Action.READ_PERSONAL) is None
            for g in self.identity.grants
        )
