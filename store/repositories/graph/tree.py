"""What to read: a selection tree independent of GraphQL.

The resolver layer turns a GraphQL selection (aliases, fragments, @skip/@include already
applied) into these nodes; the compiler turns them into SQL. Keys are response keys (aliases),
in the order the client wrote them, because GraphQL responses keep that order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


@dataclass(frozen=True, slots=True)
class Scalar:
    """A column of the row, serialized the way the GraphQL scalar would be."""

    name: str  # model attribute name


@dataclass(frozen=True, slots=True)
class GlobalId:
    """``"<TypeName>:<pk>"`` (schema/ids.py)."""


@dataclass(frozen=True, slots=True)
class Typename:
    type_name: str


@dataclass(frozen=True, slots=True)
class Withheld:
    """The GraphQL names of this object's protected fields withheld from the caller."""

    names: tuple[tuple[str, str], ...]  # (model attribute, GraphQL field name) of scalars


@dataclass(frozen=True, slots=True)
class Constant:
    """A value known before the query runs (e.g. ``hasPreviousPage`` on a first page)."""

    value: Any


@dataclass(slots=True)
class ObjectSelection:
    entity: str  # registry name, e.g. "service_record"
    type_name: str  # GraphQL type name, for ids and __typename
    fields: list[tuple[str, Field]] = field(default_factory=list)
    # The tree's shape and values as parameters.of_object walks them, kept on the tree the
    # first time: a tree reused from request to request (resolvers/compiled/selection.py,
    # ObjectSelections) is walked once. Not part of what the tree is.
    walked: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ToOne:
    """A belongs-to relation; null when absent or outside the scope."""

    name: str
    target: ObjectSelection


@dataclass(frozen=True, slots=True)
class ToMany:
    """A has-many relation returned as a plain list, in the target's default order."""

    name: str
    target: ObjectSelection


class Direction(Enum):
    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True, slots=True)
class PageArgs:
    """Relay arguments after validation (exactly one of first/last is set)."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None
    filter: dict[str, Any] = field(default_factory=dict)
    sort: str = "id"
    direction: Direction = Direction.ASC

    @property
    def size(self) -> int:
        size = self.first if self.first is not None else self.last
        assert size is not None
        return size

    @property
    def backward(self) -> bool:
        return self.last is not None


class EdgePart(Enum):
    CURSOR = "cursor"


class PageInfoPart(Enum):
    HAS_NEXT_PAGE = "hasNextPage"
    HAS_PREVIOUS_PAGE = "hasPreviousPage"
    START_CURSOR = "startCursor"
    END_CURSOR = "endCursor"


@dataclass(slots=True)
class ConnectionSelection:
    """``edges { cursor node { ... } } pageInfo { ... } totalCount`` under any aliases."""

    args: PageArgs
    # response key → what it is: "edges" parts, "nodes", "pageInfo" parts or "totalCount"
    fields: list[tuple[str, ConnectionPart]] = field(default_factory=list)


@dataclass(slots=True)
class Edges:
    # response key → EdgePart.CURSOR, an ObjectSelection for ``node``, or ``__typename``
    fields: list[tuple[str, EdgePart | ObjectSelection | Typename]] = field(default_factory=list)


@dataclass(slots=True)
class Nodes:
    target: ObjectSelection


@dataclass(slots=True)
class PageInfo:
    fields: list[tuple[str, PageInfoPart | Typename]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TotalCount:
    pass


@dataclass(frozen=True, slots=True)
class Connection:
    """A has-many relation (or a root list) paginated as a Relay connection."""

    name: str  # relation name; "" at the root
    selection: ConnectionSelection


ConnectionPart = Edges | Nodes | PageInfo | TotalCount | Typename
Field = Scalar | GlobalId | Typename | Constant | Withheld | ToOne | ToMany | Connection
