"""Root read fields: one by global id and one connection per record type, plus ``node``.

No ``from __future__ import annotations`` here: the resolvers are built per type and their
annotations must be the type objects themselves for strawberry to read.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
)

from resolvers.compiled.execution import Precompleted
from resolvers.compiled.selection import OBJECT_SELECTIONS, TreeBuilder, _unwrap
from resolvers.compiled.types import TYPES
from resolvers.context import Info, RequestContext
from resolvers.errors import graphql_error
from schema.ids import BadGlobalId, parse_global_id
from schema.types.common import Connection, Node
from schema.types.fields import DEFAULT_PAGE_DOC
from schema.types.filters import ORDERS
from services.errors import DomainError
from services.reading import read_connection, read_object


@dataclass(frozen=True, slots=True)
class RootCall:
    """What a compiled root read takes of graphql-core's resolve info: built from the info
    when graphql-core runs the field, or by the fast path (resolvers/fast_path.py), which
    answers an operation of one such field without graphql-core's executor."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]  # coerced
    field_nodes: list[FieldNode]
    parent_type: GraphQLObjectType
    field_name: str
    return_type: Any
    context: RequestContext

    @classmethod
    def of(cls, info: Info) -> "RootCall":
        raw = info._raw_info
        return cls(
            schema=raw.schema,
            fragments=raw.fragments,
            # strawberry hands resolvers the plain dict of coerced variables
            variables=raw.variable_values,  # type: ignore[arg-type]
            field_nodes=list(raw.field_nodes),
            parent_type=raw.parent_type,
            field_name=raw.field_name,
            return_type=raw.return_type,
            context=info.context,
        )


def _builder(call: RootCall) -> TreeBuilder:
    return TreeBuilder(call.schema, call.fragments, call.variables)


def _precompleted(call: RootCall, value: Any) -> Precompleted:
    return Precompleted.of_text(value) if call.context.json_text else Precompleted(value)


async def _object(call: RootCall, type_name: str, key: Any) -> Precompleted:
    gql_type = call.schema.get_type(type_name)
    assert isinstance(gql_type, GraphQLObjectType)
    selection = OBJECT_SELECTIONS.object(_builder(call), gql_type, call.field_nodes)
    context = call.context
    async with context.db_lock:
        value = await read_object(
            context.session,
            context.scope,
            selection,
            key,
            context.mask,
            seen=context.audit_reads(type_name),  # the audit log's root row, same statement
            json_text=context.json_text,
        )
    return _precompleted(call, value)


def _key(type_name: str, id_value: str) -> Any:
    _, key = parse_global_id(id_value, type_name)
    if TYPES[type_name].int_key:
        if not key.isascii() or not key.isdigit() or len(key) > 19:
            raise BadGlobalId(f"{id_value!r} has no integer key")
        return int(key)
    return key


async def read_by_id(call: RootCall, type_name: str, id_value: str) -> Any:
    try:
        key = _key(type_name, id_value)
    except BadGlobalId as exc:
        raise GraphQLError(
            f"bad id for {type_name}: {exc}",
            extensions={"code": "BAD_ID", "messageZh": f"ID 无效，应为 {type_name}:<主键>"},
        ) from exc
    try:
        return await _object(call, type_name, key)
    except DomainError as exc:
        raise graphql_error(exc) from exc


async def read_node(call: RootCall, id_value: str) -> Any:
    """Any record by global id; an unknown type or key is simply null."""
    try:
        type_name, _ = parse_global_id(id_value)
        if type_name not in TYPES:
            return None
        key = _key(type_name, id_value)
    except BadGlobalId:
        return None
    try:
        return await _object(call, type_name, key)
    except DomainError as exc:
        raise graphql_error(exc) from exc


async def read_list(call: RootCall, type_name: str) -> Any:
    connection_type, _ = _unwrap(call.return_type)
    field = call.parent_type.fields[call.field_name]
    context = call.context
    try:
        selection = _builder(call).connection(connection_type, call.field_nodes, field)
        async with context.db_lock:
            value = await read_connection(
                context.session,
                context.scope,
                TYPES[type_name].entity,
                selection,
                context.mask,
                seen=context.audit_reads(type_name),  # the page's rows, same statement
                json_text=context.json_text,
            )
    except DomainError as exc:
        raise graphql_error(exc) from exc
    return _precompleted(call, value)


# A compiled root field's read, given its coerced arguments: what the fast path calls in
# place of the strawberry resolver (the resolvers below, keyed by their functions).
RootRead = Callable[[RootCall, dict[str, Any]], Awaitable[Any]]
ROOT_READS: dict[Callable[..., Any], RootRead] = {}


def _by_id_read(type_name: str) -> RootRead:
    async def read(call: RootCall, arguments: dict[str, Any]) -> Any:
        return await read_by_id(call, type_name, arguments["id"])

    return read


def _list_read(type_name: str) -> RootRead:
    async def read(call: RootCall, arguments: dict[str, Any]) -> Any:
        return await read_list(call, type_name)

    return read


async def _node_read(call: RootCall, arguments: dict[str, Any]) -> Any:
    return await read_node(call, arguments["id"])


def by_id_field(type_cls: type, description: str) -> Any:
    type_name = type_cls.__name__

    async def resolve(info: Info, id: strawberry.ID) -> type_cls | None:  # type: ignore[valid-type]
        return await read_by_id(RootCall.of(info), type_name, id)  # type: ignore[no-any-return]

    ROOT_READS[resolve] = _by_id_read(type_name)
    return strawberry.field(resolver=resolve, description=description)


def list_field(type_cls: type, filter_type: type, description: str) -> Any:
    type_name = type_cls.__name__
    order_type = ORDERS[type_name]

    async def resolve(
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=DEFAULT_PAGE_DOC)] = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: filter_type | None = None,  # type: ignore[valid-type]
        order_by: order_type | None = None,  # type: ignore[valid-type]
    ) -> Connection[type_cls]:  # type: ignore[valid-type]
        return await read_list(RootCall.of(info), type_name)  # type: ignore[no-any-return]

    ROOT_READS[resolve] = _list_read(type_name)
    return strawberry.field(resolver=resolve, description=description)


async def _node(info: Info, id: strawberry.ID) -> Node | None:
    return await read_node(RootCall.of(info), id)  # type: ignore[no-any-return]


ROOT_READS[_node] = _node_read

node_field: Any = strawberry.field(
    resolver=_node, description="按全局 ID 读取任一对象 / any record by its global id"
)
