"""Known documents (resolvers/limits/documents.py): a document that passed is neither parsed
nor validated again, while what depends on the request — the cost against the variables and
the ceiling of the caller's role — is checked every time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import strawberry
from graphql import NoFragmentCyclesRule, parse, specified_rules

from resolvers.context import RequestContext
from resolvers.limits.documents import KnownDocuments
from resolvers.limits.guard import OperationGuard
from services.identity import PUBLIC, Identity, RoleGrant
from store.enums import Role
from tests.resolvers.limits.test_guard import LIMITS


@strawberry.type
class Item:
    name: str


@strawberry.type
class Query:
    @strawberry.field
    def items(self, first: int | None = None) -> list[Item]:
        return [Item(name="x")] * (first or 1)


# A list costs its ``first`` (resolvers/limits/cost.py): the public may ask for 10 items.
CEILINGS = {**dict.fromkeys(Role, 100), Role.PUBLIC: 10}
ITEMS = "query($n: Int) { items(first: $n) { name } }"
REGULATOR = Identity("regulator-gd", "监管", (RoleGrant(role=Role.REGULATOR, region_code="44"),))


def _schema(known: KnownDocuments) -> strawberry.Schema:
    limits = replace(LIMITS, cost_ceilings=CEILINGS)
    return strawberry.Schema(query=Query, extensions=[lambda: OperationGuard(limits, known)])


async def _codes(schema: strawberry.Schema, identity: Identity, query: str, n: int) -> list[Any]:
    context = RequestContext(
        request=None,  # type: ignore[arg-type]
        response=None,  # type: ignore[arg-type]
        session=None,  # type: ignore[arg-type]
        identity=identity,
    )
    result = await schema.execute(query, variable_values={"n": n}, context_value=context)
    return [(e.extensions or {}).get("code") for e in result.errors or ()]


async def test_a_known_document_still_costs_per_role_and_variables() -> None:
    known = KnownDocuments()
    schema = _schema(known)
    assert await _codes(schema, PUBLIC, ITEMS, 5) == []
    document = known.document(ITEMS)
    assert document is not None
    assert await _codes(schema, PUBLIC, ITEMS, 50) == ["COST_LIMIT_EXCEEDED"]
    assert await _codes(schema, REGULATOR, ITEMS, 50) == []
    assert await _codes(schema, PUBLIC, ITEMS, 50) == ["COST_LIMIT_EXCEEDED"]
    assert await _codes(schema, REGULATOR, ITEMS, 500) == ["COST_LIMIT_EXCEEDED"]
    assert known.document(ITEMS) is document  # parsed once, never again
    assert len(known) == 1


async def test_refused_documents_are_not_remembered() -> None:
    known = KnownDocuments()
    schema = _schema(known)
    deep = "{ items { name name2: name } unknown }"
    for _ in range(2):
        assert await _codes(schema, REGULATOR, deep, 1) == ["GRAPHQL_VALIDATION_FAILED"]
    cyclic = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    for _ in range(2):
        assert "FRAGMENT_CYCLE" in await _codes(schema, REGULATOR, cyclic, 1)
    assert len(known) == 0


def test_other_rules_are_checked_afresh() -> None:
    known = KnownDocuments()
    document = parse(ITEMS)
    rules = tuple(specified_rules)
    known.remember(ITEMS, document, rules)
    assert known.passed(ITEMS, document, rules)
    assert not known.passed(ITEMS, document, (NoFragmentCyclesRule,))
    assert not known.passed(ITEMS, parse(ITEMS), rules)  # another parse of the same text


def test_bounded_in_entries_and_text_length() -> None:
    known = KnownDocuments(size=2, max_chars=100)
    rules = tuple(specified_rules)
    texts = ["{ a }", "{ b }", "{ c }"]
    for text in texts:
        known.remember(text, parse(text), rules)
    assert len(known) == 2
    assert known.document("{ a }") is None  # the least recently used went first
    long = "{ " + "a " * 60 + "}"
    known.remember(long, parse(long), rules)
    assert known.document(long) is None
