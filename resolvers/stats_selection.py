"""A finished value in the shape the query's selection asks for, handed to graphql-core
already complete (``Precompleted``), as the compiled reads are.

graphql-core completes a value field by field, through every nested object, list and leaf:
for a stats result that was most of the gateway's CPU (bench/RESULTS.md: ~80% of 800 ms on
1,178 province x industry groups of ~110 figures each). Here the selection is read once per
object type and field (response keys, aliases, fragments and @skip/@include through
``TreeBuilder.collect``, ``__typename``) into a small plan, and each value walks its plan;
every leaf is serialized by its own GraphQL type, as completion would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLBoolean,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
)

from resolvers.compiled.selection import TreeBuilder

TYPENAME = "__typename"
# Leaves whose serialization of a value of exactly this Python type is the value itself.
_AS_IS: dict[Any, type] = {GraphQLInt: int, GraphQLString: str, GraphQLBoolean: bool}


@dataclass(frozen=True, slots=True)
class _Field:
    key: str  # the response key
    name: str  # the schema's field name, the key of the value's mapping
    is_list: bool
    leaf: Callable[[Any], Any] | None  # serializes a leaf; None for an object
    plain: type | None  # a leaf value of exactly this type is its own serialization
    object_type: GraphQLObjectType | None
    nodes: list[FieldNode]


def _unwrap(gql_type: Any) -> tuple[Any, bool]:
    is_list = False
    while isinstance(gql_type, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(gql_type, GraphQLList)
        gql_type = gql_type.of_type
    return gql_type, is_list


class Projection:
    """Projects plain values (mappings keyed by the schema's field names, lists, Python
    leaves) onto one operation's selection."""

    def __init__(self, builder: TreeBuilder) -> None:
        self.builder = builder
        # Every element of a list shares its selection: one plan per type and field nodes.
        self._plans: dict[tuple[str, tuple[int, ...]], list[_Field]] = {}

    def _plan(self, type_: GraphQLObjectType, nodes: list[FieldNode]) -> list[_Field]:
        key = (type_.name, tuple(id(node) for node in nodes))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(type_, nodes)
        return plan

    def _compile(self, type_: GraphQLObjectType, nodes: list[FieldNode]) -> list[_Field]:
        fields: list[_Field] = []
        for response_key, field_nodes in self.builder.collect(type_, nodes):
            name = field_nodes[0].name.value
            if name == TYPENAME:
                fields.append(_Field(response_key, name, False, None, None, None, field_nodes))
                continue
            named, is_list = _unwrap(type_.fields[name].type)
            if isinstance(named, GraphQLObjectType):
                fields.append(_Field(response_key, name, is_list, None, None, named, field_nodes))
            else:
                plain = _AS_IS.get(named)
                fields.append(
                    _Field(response_key, name, is_list, named.serialize, plain, None, field_nodes)
                )
        return fields

    def object(
        self, type_: GraphQLObjectType, nodes: list[FieldNode], value: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``value`` as the object the ``nodes`` (the field asking for it) select."""
        result: dict[str, Any] = {}
        for field in self._plan(type_, nodes):
            if field.name == TYPENAME:
                result[field.key] = type_.name
                continue
            item = value[field.name]
            if item is None:
                result[field.key] = None
            elif field.is_list:
                result[field.key] = [self._one(field, element) for element in item]
            else:
                result[field.key] = self._one(field, item)
        return result

    def _one(self, field: _Field, value: Any) -> Any:
        if value is None:
            return None
        if field.object_type is not None:
            return self.object(field.object_type, field.nodes, value)
        if type(value) is field.plain:
            return value
        assert field.leaf is not None
        return field.leaf(value)
