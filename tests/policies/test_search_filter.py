"""The scope compiler's OpenSearch filter: one builder per scope kind, twin of its SQL, on
keyword access fields the mapping has; a kind that does not apply denies."""

from __future__ import annotations

from typing import Any

import pytest

from policies.enforcer import Decisions, default_rules
from policies.resources import ScopeKind
from policies.scope import Scope
from policies.search_filter import ACCESS_FIELDS, MATCH_ALL, MATCH_NONE, kind_filter, search_filter
from search.documents import DOC_TYPES
from search.mapping import mapping
from services.identity import PUBLIC, Identity, RoleGrant
from store.enums import Role

DECISIONS = Decisions(default_rules())


def _scope(*grants: RoleGrant) -> Scope:
    return Scope(Identity("t", "t", grants), DECISIONS.decide)


def test_access_fields_are_keywords_of_the_mapping() -> None:
    properties = mapping()["properties"]
    assert all(properties[f]["type"] == "keyword" for f in ACCESS_FIELDS)


@pytest.mark.parametrize(
    ("grant", "resource", "expected"),
    [
        (
            RoleGrant(Role.REGULATOR, region_code="440000"),
            "service_record",
            {"term": {"region_ancestors": "440000"}},
        ),
        (
            RoleGrant(Role.REGULATOR, region_code="440000", industry_codes=("2614",)),
            "insured_unit",
            {
                "bool": {
                    "filter": [
                        {"term": {"region_ancestors": "440000"}},
                        {"terms": {"industry_code": ["2614"]}},
                    ]
                }
            },
        ),
        (RoleGrant(Role.REGULATOR, region_code="440000"), "annual_evaluation", MATCH_NONE),
        (RoleGrant(Role.INSURER, insurer_id=3), "insured_unit", {"term": {"insurer_ids": "3"}}),
        (RoleGrant(Role.INSURER, insurer_id=3), "complaint", {"term": {"insurer_ids": "3"}}),
        (RoleGrant(Role.UNIT, unit_id=7), "service_scheme", {"term": {"unit_id": "7"}}),
        (RoleGrant(Role.UNIT, unit_id=7), "annual_evaluation", MATCH_NONE),
        (RoleGrant(Role.AGENCY, agency_id=5), "service_record", {"term": {"agency_ids": "5"}}),
        (RoleGrant(Role.AGENCY, agency_id=5), "complaint", MATCH_NONE),
    ],
)
def test_each_kind_has_its_filter(grant: RoleGrant, resource: str, expected: Any) -> None:
    kind = {
        Role.REGULATOR: ScopeKind.JURISDICTION,
        Role.INSURER: ScopeKind.OWN_TENANT,
        Role.UNIT: ScopeKind.OWN_UNIT,
        Role.AGENCY: ScopeKind.ASSIGNED,
    }[grant.role]
    assert kind_filter(kind, resource, grant) == expected


def test_the_policy_decides_per_role() -> None:
    public = Scope(PUBLIC, DECISIONS.decide)
    assert search_filter(public, "annual_evaluation") == {"terms": {"status": ["published"]}}
    assert all(
        search_filter(public, t) == MATCH_NONE for t in DOC_TYPES if t != "annual_evaluation"
    )
    regulator = _scope(RoleGrant(Role.REGULATOR, region_code="440000"))
    assert search_filter(regulator, "annual_evaluation") == {
        "terms": {"status": ["submitted", "published"]}
    }
    admin = _scope(RoleGrant(Role.ADMIN))
    assert all(search_filter(admin, t) == MATCH_NONE for t in DOC_TYPES)


def test_several_grants_are_alternatives() -> None:
    both = _scope(RoleGrant(Role.INSURER, insurer_id=1), RoleGrant(Role.UNIT, unit_id=2))
    assert search_filter(both, "complaint") == {
        "bool": {
            "should": [{"term": {"insurer_ids": "1"}}, {"term": {"unit_id": "2"}}],
            "minimum_should_match": 1,
        }
    }


def test_a_child_is_judged_on_its_parent() -> None:
    agency = _scope(RoleGrant(Role.AGENCY, agency_id=5))
    assert search_filter(agency, "hazard", anchor="service_record") == {"term": {"agency_ids": "5"}}
    assert search_filter(agency, "hazard", anchor="service_record") != MATCH_ALL
