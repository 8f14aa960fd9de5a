"""Root read fields: one by global id and one connection per record type, plus ``node``.

No ``from __future__ import annotations`` here: the resolvers are built per type and their
annotations must be the type objects themselves for strawberry to read.
"""

from typing import Annotated, Any

import strawberry
from graphql import GraphQLError, GraphQLObjectType

from resolvers.compiled.execution import Precompleted
from resolvers.compiled.selection import TreeBuilder, _unwrap
from resolvers.compiled.types import TYPES
from resolvers.context import Info
from resolvers.errors import graphql_error
from schema.ids import BadGlobalId, parse_global_id
from schema.types.common import Connection, Node
from schema.types.fields import DEFAULT_PAGE_DOC
from schema.types.filters import ORDERS
from services.errors import DomainError
from services.reading import read_connection, read_object


def _builder(info: Info) -> TreeBuilder:
    raw = info._raw_info
    # strawberry hands resolvers the plain dict of coerced variables
    variables: dict[str, Any] = raw.variable_values  # type: ignore[assignment]
    return TreeBuilder(raw.schema, raw.fragments, variables)


def _scope(info: Info) -> Any:
    return info.context.scope


def _precompleted(info: Info, value: Any) -> Precompleted:
    return Precompleted.of_text(value) if info.context.json_text else Precompleted(value)


async def _object(info: Info, type_name: str, key: Any) -> Precompleted:
    raw = info._raw_info
    gql_type = raw.schema.get_type(type_name)
    assert isinstance(gql_type, GraphQLObjectType)
    selection = _builder(info).object(gql_type, list(raw.field_nodes))
    async with info.context.db_lock:
        value = await read_object(
            info.context.session,
            _scope(info),
            selection,
            key,
            info.context.mask,
            seen=info.context.audit_reads(type_name),  # the audit log's root row, same statement
            json_text=info.context.json_text,
        )
    return _precompleted(info, value)


def _key(type_name: str, id_value: str) -> Any:
    _, key = parse_global_id(id_value, type_name)
    if TYPES[type_name].int_key:
        if not key.isascii() or not key.isdigit() or len(key) > 19:
            raise BadGlobalId(f"{id_value!r} has no integer key")
        return int(key)
    return key


async def read_by_id(info: Info, type_name: str, id_value: str) -> Any:
    try:
        key = _key(type_name, id_value)
    except BadGlobalId as exc:
        raise GraphQLError(
            f"bad id for {type_name}: {exc}",
            extensions={"code": "BAD_ID", "messageZh": f"ID 无效，应为 {type_name}:<主键>"},
        ) from exc
    try:
        return await _object(info, type_name, key)
    except DomainError as exc:
        raise graphql_error(exc) from exc


async def read_node(info: Info, id_value: str) -> Any:
    """Any record by global id; an unknown type or key is simply null."""
    try:
        type_name, _ = parse_global_id(id_value)
        if type_name not in TYPES:
            return None
        key = _key(type_name, id_value)
    except BadGlobalId:
        return None
    try:
        return await _object(info, type_name, key)
    except DomainError as exc:
        raise graphql_error(exc) from exc


async def read_list(info: Info, type_name: str) -> Any:
    raw = info._raw_info
    connection_type, _ = _unwrap(raw.return_type)
    field = raw.parent_type.fields[raw.field_name]
    try:
        selection = _builder(info).connection(connection_type, list(raw.field_nodes), field)
        async with info.context.db_lock:
            value = await read_connection(
                info.context.session,
                _scope(info),
                TYPES[type_name].entity,
                selection,
                info.context.mask,
                seen=info.context.audit_reads(type_name),  # the page's rows, same statement
                json_text=info.context.json_text,
            )
    except DomainError as exc:
        raise graphql_error(exc) from exc
    return _precompleted(info, value)


def by_id_field(type_cls: type, description: str) -> Any:
    type_name = type_cls.__name__

    async def resolve(info: Info, id: strawberry.ID) -> type_cls | None:  # type: ignore[valid-type]
        return await read_by_id(info, type_name, id)  # type: ignore[no-any-return]

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
        return await read_list(info, type_name)  # type: ignore[no-any-return]

    return strawberry.field(resolver=resolve, description=description)


async def _node(info: Info, id: strawberry.ID) -> Node | None:
    return await read_node(info, id)  # type: ignore[no-any-return]


node_field: Any = strawberry.field(
    resolver=_node, description="按全局 ID 读取任一对象 / any record by its global id"
)
