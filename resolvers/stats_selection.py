"""A finished value in the shape the query's selection asks for, handed to graphql-core
already complete (``Precompleted``), as the compiled reads are.

graphql-core completes a value field by field, through every nested object, list and leaf:
for a stats result that was most of the gateway's CPU (bench/RESULTS.md: ~80% of 800 ms on
1,178 province x industry groups of ~110 figures each). Here one walk over the selection
does the same: response keys (aliases), only the fields asked for, fragments and
@skip/@include (``TreeBuilder.collect``), ``__typename``, and each leaf serialized by its
own GraphQL type, as completion would.
"""

from __future__ import annotations

from collections.abc import Mapping
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


class Projection:
    """Projects plain values (mappings keyed by the schema's field names, lists, Python
    leaves) onto one operation's selection."""

    def __init__(self, builder: TreeBuilder) -> None:
        self.builder = builder
        # Every element of a list shares its selection: collected once per type and nodes.
        self._fields: dict[tuple[str, tuple[int, ...]], list[tuple[str, list[FieldNode]]]] = {}

    def object(
        self, type_: GraphQLObjectType, nodes: list[FieldNode], value: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``value`` as the object the ``nodes`` (the field asking for it) select."""
        key = (type_.name, tuple(id(node) for node in nodes))
        fields = self._fields.get(key)
        if fields is None:
            fields = self._fields[key] = self.builder.collect(type_, nodes)
        result: dict[str, Any] = {}
        for response_key, field_nodes in fields:
            name = field_nodes[0].name.value
            if name == TYPENAME:
                result[response_key] = type_.name
                continue
            result[response_key] = self._value(type_.fields[name].type, field_nodes, value[name])
        return result

    def _value(self, gql_type: Any, nodes: list[FieldNode], value: Any) -> Any:
        if value is None:
            return None
        if isinstance(gql_type, GraphQLNonNull):
            return self._value(gql_type.of_type, nodes, value)
        if isinstance(gql_type, GraphQLList):
            return [self._value(gql_type.of_type, nodes, item) for item in value]
        if isinstance(gql_type, GraphQLObjectType):
            return self.object(gql_type, nodes, value)
        if type(value) is _AS_IS.get(gql_type):
            return value
        return gql_type.serialize(value)
