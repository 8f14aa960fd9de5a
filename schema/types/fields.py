"""Field factories for compiled list fields. No ``from __future__ import annotations`` here:
the resolvers' annotations are built from the arguments, and strawberry reads them as objects."""

from typing import Annotated, Any

import strawberry

from schema.types.common import Connection, NotCompiled
from schema.types.filters import ORDERS

DEFAULT_PAGE_DOC = "每页条数（默认 50，最多 1000）/ page size (default 50, at most 1,000)"


def connection_field(node: Any, type_name: str, filter_type: type, description: str) -> Any:
    """A Relay connection field with keyset arguments, a filter and an order."""
    order_type = ORDERS[type_name]

    def resolve(
        first: Annotated[int | None, strawberry.argument(description=DEFAULT_PAGE_DOC)] = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: filter_type | None = None,  # type: ignore[valid-type]
        order_by: order_type | None = None,  # type: ignore[valid-type]
    ) -> Connection[node]:
        raise NotCompiled(type_name)

    return strawberry.field(resolver=resolve, description=description)
