"""The scope compiler's second output: a principal's scope → an OpenSearch ``bool.filter``.

The same grants and the same policy decisions as the SQL of ``policies/scope.py``
(``Scope.grant_kinds``), one builder per scope kind beside its SQL twin, over the keyword
*access fields* every search document carries (search/documents.py). The result is plain
query DSL restricted to ``match_all``, ``match_none``, ``term``, ``terms`` and ``bool``
(``filter`` / ``should``): the OpenSearch backend sends it as it is, the SQLite FTS5 backend
translates exactly that subset into SQL (search/fts5/filters.py), so both backends trim with
one compiler. tests/policies/test_search_filter.py holds each kind to its SQL twin.

A kind that does not apply to a resource compiles to ``match_none``, as the SQL compiles it to
FALSE: a policy mistake denies, never leaks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from policies.identity import RoleGrant
from policies.jurisdictions import Jurisdictions, Part, fold
from policies.resources import UNIT_ANCHORED, ScopeKind
from policies.scope import Scope
from store import models as m

Filter = dict[str, Any]

MATCH_ALL: Filter = {"match_all": {}}
MATCH_NONE: Filter = {"match_none": {}}

# The access fields (keyword, string values) the documents carry for these filters.
REGION_ANCESTORS = "region_ancestors"  # the unit's region and every region above it
INDUSTRY = "industry_code"
INSURERS = "insurer_ids"  # the row's insurer; for a unit, every insurer with a policy on it
UNIT = "unit_id"
AGENCIES = "agency_ids"  # a record's agency and responsible agency; for a unit, all of them
STATUS = "status"
ACCESS_FIELDS = (REGION_ANCESTORS, INDUSTRY, INSURERS, UNIT, AGENCIES, STATUS)


def term(field: str, value: object) -> Filter:
    return {"term": {field: str(value)}}


def terms(field: str, values: Sequence[object]) -> Filter:
    return {"terms": {field: [str(v) for v in values]}}


def all_of(*filters: Filter) -> Filter:
    if MATCH_NONE in filters:
        return MATCH_NONE
    kept = [f for f in filters if f != MATCH_ALL]
    if not kept:
        return MATCH_ALL
    return kept[0] if len(kept) == 1 else {"bool": {"filter": kept}}


def any_of(filters: Sequence[Filter]) -> Filter:
    if MATCH_ALL in filters:
        return MATCH_ALL
    kept = [f for f in filters if f != MATCH_NONE]
    if not kept:
        return MATCH_NONE
    return kept[0] if len(kept) == 1 else {"bool": {"should": kept, "minimum_should_match": 1}}


def _has_insurer(resource: str) -> bool:
    model = next(
        (c for c in vars(m).values() if getattr(c, "__tablename__", None) == resource), None
    )
    return model is not None and hasattr(model, "insurer_id")


def _jurisdictions(resource: str, within: Jurisdictions) -> Filter | None:
    if resource not in UNIT_ANCHORED:
        return None  # SQL: units of a jurisdiction reach only unit-anchored rows
    regions = within.regions
    # One ``terms`` for several folded grants, as the SQL is one region list.
    inside = (
        term(REGION_ANCESTORS, regions[0])
        if len(regions) == 1
        else terms(REGION_ANCESTORS, regions)
    )
    if within.industry_codes:
        return all_of(inside, terms(INDUSTRY, within.industry_codes))
    return inside


def _jurisdiction(resource: str, grant: RoleGrant) -> Filter | None:
    if grant.region_code is None:
        return None
    return _jurisdictions(resource, Jurisdictions((grant.region_code,), grant.industry_codes))


def _own_tenant(resource: str, grant: RoleGrant) -> Filter | None:
    if grant.insurer_id is None:
        return None
    if resource == "insured_unit" or _has_insurer(resource):
        return term(INSURERS, grant.insurer_id)  # a unit lists its insurers (units_of_tenant)
    return None


def _own_unit(resource: str, grant: RoleGrant) -> Filter | None:
    if grant.unit_id is None or resource not in UNIT_ANCHORED:
        return None
    return term(UNIT, grant.unit_id)


def _assigned(resource: str, grant: RoleGrant) -> Filter | None:
    if grant.agency_id is None or resource not in ("service_record", "insured_unit"):
        return None  # SQL: records of the agency, and the units those records concern
    return term(AGENCIES, grant.agency_id)


def _evaluations(statuses: tuple[str, ...]) -> Callable[[str, RoleGrant], Filter | None]:
    def build(resource: str, grant: RoleGrant) -> Filter | None:
        return terms(STATUS, statuses) if resource == "annual_evaluation" else None

    return build


_BUILDERS: dict[ScopeKind, Callable[[str, RoleGrant], Filter | None]] = {
    ScopeKind.JURISDICTION: _jurisdiction,
    ScopeKind.OWN_TENANT: _own_tenant,
    ScopeKind.OWN_UNIT: _own_unit,
    ScopeKind.ASSIGNED: _assigned,
    ScopeKind.PUBLISHED: _evaluations(("published",)),
    ScopeKind.SUBMITTED: _evaluations(("submitted", "published")),
}


def kind_filter(kind: ScopeKind, resource: str, grant: RoleGrant) -> Filter:
    """The documents of ``resource`` a grant sees under ``kind`` (``kind_condition``'s twin)."""
    if kind is ScopeKind.ALL:
        return MATCH_ALL
    built = _BUILDERS[kind](resource, grant)
    return MATCH_NONE if built is None else built


def _part_filter(part: Part, resource: str) -> Filter:
    if isinstance(part, Jurisdictions):
        built = _jurisdictions(resource, part)
        return MATCH_NONE if built is None else built
    grant, kind = part
    return kind_filter(kind, resource, grant)


def search_filter(scope: Scope, resource: str, *, anchor: str | None = None) -> Filter:
    """The filter of ``resource``'s rights for ``scope``'s identity and action, judged on the
    documents of ``anchor`` (a child's text — hazards in a service record's document — is
    judged on its parent's access fields, as ``Scope.where`` judges a child on its parent).
    The grants fold as the SQL's do (policies/jurisdictions.py)."""
    return any_of(
        [_part_filter(part, anchor or resource) for part in fold(scope.grant_kinds(resource))]
    )
