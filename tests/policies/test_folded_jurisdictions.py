"""Several jurisdiction grants of one identity fold into one region list (policies/
jurisdictions.py, issue 6: the whole country is 31 province grants). Folding is a speed
change only: on the seeded demo data, on SQLite and PostgreSQL, an identity with several
grants sees exactly the union of what each grant sees alone — every table's rows, the
unmasked personal columns, the compiled GraphQL reads, the findings of every rule and the
statistics — while its SQL holds one closure lookup instead of one per grant, and its plan
key still tells different grant sets apart. The search twin: tests/search/
test_folded_scope.py."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from policies.enforcer import Decisions, default_rules
from policies.jurisdictions import Jurisdictions, fold
from policies.resources import Action, ScopeKind
from policies.scope import Scope
from policies.search_filter import search_filter
from resolvers.context import RequestContext
from services.findings import FindingFilterInput, findings
from services.identity import Identity, RoleGrant
from services.rulesets import ruleset
from store import models as m
from store.base import Base
from store.demo.clock import REFERENCE_DATE
from store.enums import Role
from store.models import model_of
from tests.resolvers.graph_helpers import SCHEMA

DECISIONS = Decisions(default_rules())
JURISDICTION = ScopeKind.JURISDICTION


def _regulator(region: str, industries: tuple[str, ...] = ()) -> RoleGrant:
    return RoleGrant(Role.REGULATOR, region_code=region, industry_codes=industries)


# Three provinces with units in the demo data, a city inside one of them (folding must not
# count its units twice), a province without units, two industry-narrowed grants with the
# same set in another order (they fold together) and one with another set (it does not).
MANY = (
    _regulator("440000"),
    _regulator("410000"),
    _regulator("440100"),
    _regulator("500000"),
    _regulator("310000"),
    _regulator("420000", ("B10", "E47")),
    _regulator("650000", ("E47", "B10")),
    _regulator("650000", ("B08",)),
)
# A regulator who is also an insurer's staff: folding leaves the other grant as it is.
MIXED = (_regulator("440000"), RoleGrant(Role.INSURER, insurer_id=1), _regulator("410000"))
IDENTITIES = {"many": MANY, "mixed": MIXED}


def _scope(grants: tuple[RoleGrant, ...], action: Action = Action.READ) -> Scope:
    identity = Identity("folded", "多个管辖区 / several jurisdictions", grants)
    return Scope(identity, DECISIONS.decide, action)


# -- the fold itself -------------------------------------------------------------------


def test_grants_of_one_industry_set_fold_into_one_region_list() -> None:
    pairs = [(g, JURISDICTION) for g in MANY]
    assert fold(pairs) == [
        Jurisdictions(("440000", "410000", "440100", "500000", "310000")),
        Jurisdictions(("420000", "650000"), ("B10", "E47")),
        Jurisdictions(("650000",), ("B08",)),
    ]


def test_other_grants_pass_through_in_place_and_repeats_count_once() -> None:
    insurer = (RoleGrant(Role.INSURER, insurer_id=1), ScopeKind.OWN_TENANT)
    nowhere = (RoleGrant(Role.REGULATOR), JURISDICTION)  # no region: still denied, not dropped
    gd, hn = (_regulator("440000"), JURISDICTION), (_regulator("410000"), JURISDICTION)
    assert fold([insurer, gd, insurer, nowhere, hn, gd]) == [
        insurer,
        Jurisdictions(("440000", "410000")),
        nowhere,
    ]
    assert fold([]) == []


def _sql(condition: ColumnElement[bool]) -> str:
    return str(condition)


@pytest.mark.parametrize("model", [m.ServiceRecord, m.FollowUp, m.InsuredUnit, m.AuditEntry])
def test_one_closure_lookup_however_many_provinces(model: Any) -> None:
    provinces = tuple(_regulator(f"{p}0000") for p in range(11, 66, 2))
    one, many = _scope(provinces[:1]).where(model), _scope(provinces).where(model)
    lookup = "FROM region_ancestor"
    assert _sql(many).count(lookup) == _sql(one).count(lookup) == 1
    assert "ancestor_code IN" in _sql(many) and "ancestor_code =" in _sql(one)
    assert _sql(many).count("FROM insured_unit") == _sql(one).count("FROM insured_unit") == 1


def test_the_search_filter_folds_the_same_way() -> None:
    assert search_filter(_scope(MANY), "service_record") == {
        "bool": {
            "should": [
                {"terms": {"region_ancestors": ["440000", "410000", "440100", "500000", "310000"]}},
                {
                    "bool": {
                        "filter": [
                            {"terms": {"region_ancestors": ["420000", "650000"]}},
                            {"terms": {"industry_code": ["B10", "E47"]}},
                        ]
                    }
                },
                {
                    "bool": {
                        "filter": [
                            {"term": {"region_ancestors": "650000"}},
                            {"terms": {"industry_code": ["B08"]}},
                        ]
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }


def test_plan_keys_tell_grant_sets_apart() -> None:
    assert _scope(MANY).plan_key == _scope(MANY).plan_key
    assert _scope(MANY).plan_key != _scope(MANY[:-1]).plan_key
    assert _scope(MANY).plan_key != _scope(MANY[1:]).plan_key
    swapped = (_regulator("440000"), _regulator("110000"))
    assert _scope(swapped).plan_key != _scope((_regulator("440000"), _regulator("410000"))).plan_key
    assert _scope(MANY).plan_key != _scope(MANY, Action.AGGREGATE).plan_key


# -- same answers on the demo data, both backends ------------------------------------------


async def _rows(session: AsyncSession, model: Any, condition: ColumnElement[bool]) -> set[Any]:
    keys = model.__mapper__.primary_key
    return set((await session.execute(select(*keys).where(condition))).all())


def _tables() -> list[Any]:
    return [model_of(t.name) for t in Base.metadata.sorted_tables if _mapped(t.name)]


def _mapped(table: str) -> bool:
    try:
        model_of(table)
    except KeyError:
        return False
    return True


@pytest.mark.parametrize("name", sorted(IDENTITIES))
@pytest.mark.parametrize("action", [Action.READ, Action.AGGREGATE, Action.REFER])
async def test_every_table_shows_the_union_of_the_grants(
    demo: AsyncSession, name: str, action: Action
) -> None:
    grants = IDENTITIES[name]
    together = _scope(grants, action)
    alone = [_scope((g,), action) for g in grants]
    some = 0
    for model in _tables():
        union = set().union(*[await _rows(demo, model, s.where(model)) for s in alone])
        assert await _rows(demo, model, together.where(model)) == union, model.__tablename__
        some += bool(union)
    assert some >= 10  # the grants reach most tables: the comparison is not of empty sets


@pytest.mark.parametrize("name", sorted(IDENTITIES))
async def test_personal_columns_are_shown_on_the_union(demo: AsyncSession, name: str) -> None:
    grants = IDENTITIES[name]
    together, alone = _scope(grants), [_scope((g,)) for g in grants]
    shown = 0
    for column in ("contact_name", "contact_phone", "business_secret_notes"):
        union = set().union(
            *[await _rows(demo, m.InsuredUnit, s.unmasked(m.InsuredUnit, column)) for s in alone]
        )
        assert await _rows(demo, m.InsuredUnit, together.unmasked(m.InsuredUnit, column)) == union
        shown += len(union)
    assert shown > 0


async def _graphql(session: AsyncSession, scope: Scope, query: str) -> Any:
    context = RequestContext(
        request=None,  # type: ignore[arg-type]
        response=None,  # type: ignore[arg-type]
        session=session,
        identity=scope.identity,
        scope=scope,
        mask=scope,
        aggregate_scope=scope.for_action(Action.AGGREGATE),
    )
    result = await SCHEMA.execute(query, context_value=context)
    assert result.errors is None, result.errors
    return result.data


LISTS = ("serviceRecords", "insuredUnits", "complaints", "followUps", "hazards")


async def _ids(session: AsyncSession, scope: Scope) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for field in LISTS:
        seen[field] = set()
        after = "null"
        while True:
            data = await _graphql(
                session,
                scope,
                f"""{{ {field}(first: 1000, after: {after}) {{
                    nodes {{ id }} pageInfo {{ hasNextPage endCursor }} }} }}""",
            )
            page = data[field]
            seen[field].update(n["id"] for n in page["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = f'"{page["pageInfo"]["endCursor"]}"'
    return seen


@pytest.mark.parametrize("name", sorted(IDENTITIES))
async def test_compiled_reads_show_the_union(demo: AsyncSession, name: str) -> None:
    grants = IDENTITIES[name]
    alone = [await _ids(demo, _scope((g,))) for g in grants]
    union = {f: set().union(*[a[f] for a in alone]) for f in LISTS}
    assert all(union[f] for f in LISTS)
    assert await _ids(demo, _scope(grants)) == union
    # Another grant set right after (a cached plan of the first must not answer for it),
    # then the first again.
    fewer = grants[:2]
    assert await _ids(demo, _scope(fewer)) == {
        f: set().union(*[a[f] for a in alone[:2]]) for f in LISTS
    }
    assert await _ids(demo, _scope(grants)) == union


async def _findings(session: AsyncSession, scope: Scope) -> set[tuple[Any, ...]]:
    seen: set[tuple[Any, ...]] = set()
    after: str | None = None
    while True:
        page = await findings(
            session,
            FindingFilterInput(),
            rules=ruleset("AQ9010-draft"),
            today=REFERENCE_DATE,
            first=1000,
            after=after,
            scope=scope,
        )
        seen.update((f.rule, f.row.subject_id, f.state, f.row.done_at) for f in page.findings)
        if not page.more:
            return seen
        after = page.cursor(page.findings[-1])


async def test_findings_of_every_rule_are_the_union(demo: AsyncSession) -> None:
    together = await _findings(demo, _scope(MANY))
    union = set().union(*[await _findings(demo, _scope((g,))) for g in MANY])
    assert together == union
    rules = {rule for rule, *_ in union}
    assert len(rules) >= 8, rules  # most rules have findings in these provinces


STATS = """{ stats(groupBy: [REGION]) {
  groups { region { code } unitsCovered services { delivered } complaints { filed } } } }"""


async def test_statistics_of_disjoint_grants_are_their_groups_together(
    demo: AsyncSession,
) -> None:
    provinces = (_regulator("440000"), _regulator("410000"), _regulator("500000"))
    alone: list[Any] = []
    for grant in provinces:
        alone.extend((await _graphql(demo, _scope((grant,)), STATS))["stats"]["groups"])
    together = (await _graphql(demo, _scope(provinces), STATS))["stats"]["groups"]
    by_code = sorted(alone, key=lambda g: g["region"]["code"])
    assert sorted(together, key=lambda g: g["region"]["code"]) == by_code
    assert len(by_code) == 3 and all(g["unitsCovered"] > 0 for g in by_code)
