"""The wire format is the GraphQL inputs': the same field names, ids of the same types, enum
values by their GraphQL names (checked against the exported SDL, itself checked against the
code by tests/server/test_schema_sdl.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLNonNull, build_schema

import store.enums
from services.bulk import KINDS
from services.bulk.kinds import HAZARD
from services.bulk.wire import ObjectSpec

SDL = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
SCHEMA = build_schema(SDL.read_text(encoding="utf-8"))
INPUTS = {
    "service-records": "CreateServiceRecordInput",
    "follow-ups": "RecordFollowUpInput",
    "ledger-entries": "AddLedgerEntryInput",
}


def _input(name: str) -> GraphQLInputObjectType:
    graphql_type = SCHEMA.get_type(name)
    assert isinstance(graphql_type, GraphQLInputObjectType), name
    return graphql_type


@pytest.mark.parametrize(
    ("spec", "input_name"),
    [*((KINDS[kind].spec, name) for kind, name in INPUTS.items()), (HAZARD, "HazardInput")],
)
def test_fields_are_named_as_in_the_graphql_input(spec: ObjectSpec, input_name: str) -> None:
    assert set(spec.fields) == set(_input(input_name).fields)


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("service-records", "category"),
        ("service-records", "responsibleParty"),
        ("follow-ups", "method"),
        ("ledger-entries", "kind"),
    ],
)
def test_graphql_enum_names_read_as_the_stable_codes(kind: str, field: str) -> None:
    graphql_enum = _input(INPUTS[kind]).fields[field].type
    assert isinstance(graphql_enum, GraphQLNonNull)
    assert isinstance(graphql_enum.of_type, GraphQLEnumType)
    store_enum = getattr(store.enums, graphql_enum.of_type.name)
    convert = KINDS[kind].spec.fields[field].convert
    assert convert is not None
    for name in graphql_enum.of_type.values:
        assert convert(name, field, []) == store_enum[name].value
