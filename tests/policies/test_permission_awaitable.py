"""GHSA-pfvf-fwfp-25mp (strawberry 0.217.0 to 0.326.0): a permission whose synchronous
``has_permission`` returned an awaitable was judged by the awaitable's truthiness (always
true), so a protected field with a synchronous resolver ran even when the check would have
said no. The installed strawberry must fail closed, and this project's schema must hold no
permission that could be bypassed that way (EXAMPLES "Known pitfalls")."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from importlib.metadata import version
from typing import Any

import pytest
import strawberry
from graphql import GraphQLObjectType
from packaging.version import Version
from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from tests.resolvers.graph_helpers import SCHEMA

FIXED_IN = Version("0.326.1")


class AwaitableNo(BasePermission):
    """The vulnerable shape: a plain ``def`` handing back a coroutine that says no."""

    message = "denied"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool | Awaitable[bool]:
        async def later() -> bool:
            return False

        return later()


class PlainYes(BasePermission):
    message = "denied"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool | Awaitable[bool]:
        return True


class Reached:
    """Which protected resolvers actually ran."""

    fields: list[str] = []  # noqa: RUF012  (reset per test by the fixture)


def _secret() -> str | None:  # a synchronous resolver: the path the advisory is about
    Reached.fields.append("secret")
    return "leaked"


async def _secret_async() -> str | None:
    Reached.fields.append("secretAsync")
    return "leaked"


def _protected_schema(permission: BasePermission) -> strawberry.Schema:
    guard: list[FieldExtension] = [PermissionExtension(permissions=[permission])]

    @strawberry.type
    class Query:
        secret: str | None = strawberry.field(resolver=_secret, extensions=guard)
        secret_async: str | None = strawberry.field(resolver=_secret_async, extensions=guard)

    return strawberry.Schema(query=Query)


@pytest.fixture(autouse=True)
def _reset() -> None:
    Reached.fields = []


def test_the_installed_strawberry_has_the_fix() -> None:
    assert Version(version("strawberry-graphql")) >= FIXED_IN


def test_a_sync_permission_returning_an_awaitable_cannot_pass_synchronously() -> None:
    result = _protected_schema(AwaitableNo()).execute_sync("{ secret }")
    assert result.errors  # fails closed with an error, never the field's value
    assert not result.data or result.data.get("secret") is None
    assert Reached.fields == []


async def test_a_sync_permission_returning_an_awaitable_cannot_pass_asynchronously() -> None:
    result = await _protected_schema(AwaitableNo()).execute("{ secret secretAsync }")
    assert result.errors
    assert result.data is None or result.data == {"secret": None, "secretAsync": None}
    assert Reached.fields == []


async def test_the_same_fields_answer_when_the_permission_says_yes() -> None:
    """The harness can fail: with a permission that allows, both resolvers run."""
    result = await _protected_schema(PlainYes()).execute("{ secret secretAsync }")
    assert result.errors is None
    assert result.data == {"secret": "leaked", "secretAsync": "leaked"}
    assert sorted(Reached.fields) == ["secret", "secretAsync"]


def _permissions(schema: strawberry.Schema) -> list[tuple[str, BasePermission]]:
    """Every permission attached to a field of the schema, with the field's name."""
    found: list[tuple[str, BasePermission]] = []
    for type_name, gql_type in schema._schema.type_map.items():
        if not isinstance(gql_type, GraphQLObjectType):
            continue
        for name, gql_field in gql_type.fields.items():
            definition = gql_field.extensions.get("strawberry-definition")
            for extension in getattr(definition, "extensions", None) or []:
                if isinstance(extension, PermissionExtension):
                    found += [(f"{type_name}.{name}", p) for p in extension.permissions]
    return found


def test_the_walk_finds_permissions_where_there_are_some() -> None:
    assert [name for name, _ in _permissions(_protected_schema(AwaitableNo()))] == [
        "Query.secret",
        "Query.secretAsync",
    ]


def test_no_permission_of_this_schema_can_answer_with_an_awaitable() -> None:
    """Authorization here is the policy's scope compiled into SQL, not permission classes;
    should one appear, its check must be ``async def`` (awaited on every path)."""
    risky = [
        name
        for name, permission in _permissions(SCHEMA)
        if not inspect.iscoroutinefunction(permission.has_permission)
    ]
    assert risky == []
