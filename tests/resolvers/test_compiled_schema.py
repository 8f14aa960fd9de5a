"""The compiled types and the store stay in step: every field of every record type compiles
and runs, and enum names are their values upper-cased (the SQL renders enums that way)."""

from __future__ import annotations

import enum

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType
from sqlalchemy.ext.asyncio import AsyncSession

import store.enums
from resolvers.compiled.types import TYPES
from tests.resolvers.graph_helpers import SCHEMA, data


def _all_fields(type_name: str, depth: int = 0) -> str:
    """A selection of every field of a type, following relations one level deep."""
    gql_type = SCHEMA._schema.get_type(type_name)
    assert isinstance(gql_type, GraphQLObjectType)
    parts = []
    for name, field in gql_type.fields.items():
        target = field.type
        while isinstance(target, GraphQLNonNull | GraphQLList):
            target = target.of_type
        if not isinstance(target, GraphQLObjectType):
            parts.append(name)
        elif depth == 0 and target.name.endswith("Connection"):
            parts.append(f"{name}(first: 2) {{ totalCount nodes {{ id }} }}")
        elif depth == 0:
            parts.append(f"{name} {{ {_all_fields(target.name, depth + 1)} }}")
    return " ".join(parts) or "id"


@pytest.mark.parametrize("type_name", sorted(TYPES))
async def test_every_field_of_every_type_compiles(demo: AsyncSession, type_name: str) -> None:
    query = (
        f'{{ node(id: "{type_name}:1") {{ ... on {type_name} {{ {_all_fields(type_name)} }} }} }}'
    )
    got = await data(demo, query)
    assert "node" in got


def test_enum_names_are_upper_cased_values() -> None:
    offenders = [
        f"{cls.__name__}.{member.name}"
        for cls in vars(store.enums).values()
        if isinstance(cls, type)
        and issubclass(cls, enum.Enum)
        and cls is not store.enums.LabelledEnum
        for member in cls
        if member.name != str(member.value).upper()
    ]
    assert offenders == []
