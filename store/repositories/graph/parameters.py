"""A selection tree's request values as bind parameters, so that one statement serves every
request of the same shape (``plans.py`` keeps the statements).

``of_object`` / ``of_connection`` walk a tree once and return its ``Parameters``: the *shape*
(everything that changes the SQL: fields and response keys, which filters are given, boolean
filters, whose value picks different SQL, sort and direction, whether a cursor is given and
whether its key is NULL) and the *values* (the object key, page sizes, filter values, cursor
keys), each under a name the walk derives from its position. The compiler asks its
``Binder`` for every request value it puts into SQL: ``DIRECT`` hands back the value itself,
``Parameters`` a ``bindparam`` of that name. Two trees of one shape thus compile to the same
statement with the same names, and a cached statement runs with the new tree's values.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

from sqlalchemy import Integer, bindparam
from sqlalchemy.sql.elements import BindParameter

from store.repositories.graph import keyset
from store.repositories.graph.registry import ENTITIES, Entity
from store.repositories.graph.tree import (
    Connection,
    ConnectionSelection,
    Constant,
    Direction,
    Edges,
    Field,
    GlobalId,
    Nodes,
    ObjectSelection,
    PageArgs,
    PageInfo,
    Scalar,
    ToMany,
    ToOne,
    TotalCount,
    Typename,
    Withheld,
)

# Values a bind parameter carries unchanged; anything else keeps the plain path.
_SCALARS = (str, int, float, Decimal, date, datetime, Enum)


class Uncacheable(Exception):
    """A tree this module cannot split into shape and values: compile it for its request."""


class Binder(Protocol):
    def key(self, value: Any) -> Any: ...

    def size(self, args: PageArgs) -> Any: ...

    def fetch(self, args: PageArgs) -> Any:
        """The rows a page reads: its size plus one, which tells whether more follow."""
        ...

    def filter(self, args: PageArgs, name: str, value: Any) -> Any: ...

    def cursor(self, args: PageArgs, which: str, key: keyset.Key) -> keyset.Key: ...


class _Direct:
    """The request's values straight into the statement (built for this request only)."""

    def key(self, value: Any) -> Any:
        return value

    def size(self, args: PageArgs) -> Any:
        return args.size

    def fetch(self, args: PageArgs) -> Any:
        return args.size + 1

    def filter(self, args: PageArgs, name: str, value: Any) -> Any:
        return value

    def cursor(self, args: PageArgs, which: str, key: keyset.Key) -> keyset.Key:
        return key


DIRECT: Binder = _Direct()


class Parameters:
    """A tree's shape and values; as a ``Binder``, the bind parameters that stand for them."""

    def __init__(self) -> None:
        self.shape: Hashable = ()
        self.values: dict[str, Any] = {}
        self._prefixes: dict[int, str] = {}  # id(PageArgs) → its parameters' name prefix
        self._params: dict[str, BindParameter[Any]] = {}

    def _param(self, name: str, **options: Any) -> BindParameter[Any]:
        if name not in self.values:
            raise KeyError(f"no value named {name!r} was taken from the tree")
        param = self._params.get(name)
        if param is None:
            param = self._params[name] = bindparam(name, **options)
        return param

    def _prefix(self, args: PageArgs) -> str:
        return self._prefixes[id(args)]

    def key(self, value: Any) -> Any:
        return self._param("key")

    def size(self, args: PageArgs) -> Any:
        return self._param(f"{self._prefix(args)}_size", type_=Integer)

    def fetch(self, args: PageArgs) -> Any:
        return self._param(f"{self._prefix(args)}_fetch", type_=Integer)

    def filter(self, args: PageArgs, name: str, value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value  # part of the shape (see _Walk._filters)
        expanding = isinstance(value, list | tuple)
        return self._param(f"{self._prefix(args)}_f_{name}", expanding=expanding)

    def cursor(self, args: PageArgs, which: str, key: keyset.Key) -> keyset.Key:
        name = f"{self._prefix(args)}_{which}"
        value = None if key.value is None else self._param(f"{name}_value")
        return keyset.Key(value=value, pk=self._param(f"{name}_pk"))


class Shape:
    """A tree's shape with its hash computed once: the plan cache's key holds it, and a
    shape kept on a reused tree (``of_object``) is looked up without hashing the whole
    tree again. Equal when the shapes are."""

    __slots__ = ("_hash", "shape")

    def __init__(self, shape: Hashable) -> None:
        self.shape = shape
        self._hash = hash(shape)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, Shape) and self._hash == other._hash and self.shape == other.shape
        )


def of_object(selection: ObjectSelection, key: Any) -> Parameters:
    """The parameters of one object by primary key (``GraphCompiler.by_key``). The walk of
    the tree is kept on it: only the key differs from one request to the next."""
    if not isinstance(key, _SCALARS):
        raise Uncacheable(type(key).__name__)
    walked = selection.walked
    if walked is None:
        walk = _Walk()
        shape = Shape(("object", walk.object(selection)))
        found = walk.parameters
        walked = selection.walked = (shape, dict(found.values), dict(found._prefixes))
    shape, values, prefixes = walked
    parameters = Parameters()
    parameters.shape = shape
    parameters.values = {**values, "key": key}
    parameters._prefixes = dict(prefixes)
    return parameters


def of_connection(entity: str, selection: ConnectionSelection) -> Parameters:
    """The parameters of a root connection (``GraphCompiler.connection``)."""
    walk = _Walk()
    return walk.done(Shape(("connection", entity, walk.connection(entity, selection))))


class _Walk:
    def __init__(self) -> None:
        self.parameters = Parameters()

    def done(self, shape: Hashable) -> Parameters:
        self.parameters.shape = shape
        return self.parameters

    def object(self, selection: ObjectSelection) -> Hashable:
        spec = ENTITIES[selection.entity]
        fields = tuple((key, self._field(spec, f)) for key, f in selection.fields)
        return (selection.entity, selection.type_name, fields)

    def _field(self, spec: Entity, f: Field) -> Hashable:
        if isinstance(f, Scalar | GlobalId | Typename | Withheld):
            return f  # frozen dataclasses of strings: hashable, equal when the SQL is
        if isinstance(f, Constant):
            if not isinstance(f.value, bool | str | int | None):
                raise Uncacheable(f"constant {f.value!r}")
            return ("constant", type(f.value).__name__, f.value)
        if isinstance(f, ToOne | ToMany):
            return (type(f).__name__, f.name, self.object(f.target))
        if isinstance(f, Connection):
            target = spec.to_many[f.name].target
            return ("connection", f.name, self.connection(target, f.selection))
        raise Uncacheable(f"field {f!r}")

    def connection(self, entity: str, selection: ConnectionSelection) -> Hashable:
        args = selection.args
        known = self.parameters._prefixes.get(id(args))
        if known is not None:  # the very same arguments again: the same parameters
            return ("same", known)
        prefix = self.parameters._prefixes[id(args)] = f"p{len(self.parameters._prefixes)}"
        values = self.parameters.values
        values[f"{prefix}_size"] = args.size
        values[f"{prefix}_fetch"] = args.size + 1
        head = (prefix, args.sort, args.direction, args.backward)
        cursors = tuple(self._cursor(entity, args, prefix, which) for which in ("after", "before"))
        parts = tuple((key, self._part(part)) for key, part in selection.fields)
        return (head, self._filters(args, prefix), cursors, parts)

    def _filters(self, args: PageArgs, prefix: str) -> Hashable:
        shape: list[Hashable] = []
        for name, value in args.filter.items():
            if value is None or isinstance(value, bool):
                shape.append((name, value))  # absent, or a switch that picks the SQL
            elif isinstance(value, list | tuple) and all(isinstance(v, _SCALARS) for v in value):
                self.parameters.values[f"{prefix}_f_{name}"] = list(value)
                shape.append((name, "list", tuple(sorted({type(v).__name__ for v in value}))))
            elif isinstance(value, _SCALARS):
                self.parameters.values[f"{prefix}_f_{name}"] = value
                shape.append((name, type(value).__name__))
            else:
                raise Uncacheable(f"filter {name}={value!r}")
        return tuple(shape)

    def _cursor(self, entity: str, args: PageArgs, prefix: str, which: str) -> Hashable:
        text = args.after if which == "after" else args.before
        if text is None:
            return None
        spec = ENTITIES[entity]
        attribute = spec.sorts.get(args.sort, "id" if args.sort == "id" else None)
        if attribute is None:
            raise Uncacheable(f"sort {args.sort!r}")  # the compiler refuses it
        # The same parse the compiler makes, on the class's columns (only their types count).
        key = keyset.parse(
            text,
            expected_prefix=keyset.prefix(args.sort, args.direction is Direction.DESC),
            sort_column=spec.column(spec.model, attribute),
            pk=spec.column(spec.model, spec.pk),
        )
        values = self.parameters.values
        if key.value is not None:
            values[f"{prefix}_{which}_value"] = key.value
        values[f"{prefix}_{which}_pk"] = key.pk
        return (which, key.value is None)

    def _part(self, part: Any) -> Hashable:
        if isinstance(part, Typename | TotalCount):
            return part
        if isinstance(part, Nodes):
            return ("nodes", self.object(part.target))
        if isinstance(part, PageInfo):
            return ("pageInfo", tuple(part.fields))
        if isinstance(part, Edges):
            items = tuple(
                (key, self.object(item) if isinstance(item, ObjectSelection) else item)
                for key, item in part.fields
            )
            return ("edges", items)
        raise Uncacheable(f"connection part {part!r}")
