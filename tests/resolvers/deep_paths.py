"""Every nested path of the schema's record types up to the gateway's depth limit, from the
schema itself (not a hand-written list), and a naive answer for one computed level by level.

A path is a root field (one object by id, or a connection's ``nodes`` / ``edges { node }``)
and a chain of relation fields — to-one, list, connection (``nodes`` or ``edges { node }``)
— ending in ``id``. Its *signature* is the chain of kinds: what SQLite's parser sees is set
by it alone (how many sub-SELECTs, function calls and objects open inside each other), not
by the tables. ``signatures`` enumerates every path and keeps the first of each signature
that reaches the depth limit (or cannot go further); run on both backends, they cover every
nesting the gateway lets through.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.compiled.root import RECORD_TYPES
from resolvers.compiled.selection import snake
from store.repositories.graph.registry import ENTITIES, Entity, Relation

PAGE = 2  # ``first`` of every connection: enough for a page with a next one
KINDS_COST = {"one": 1, "list": 1, "nodes": 2, "edges": 3}  # fields each hop adds to the depth
_ROOT_COST = {"object": 1, "nodes": 2, "edges": 3}
_SIGNED = {"one": "1", "list": "1", "nodes": "n", "edges": "e"}  # a hop in a signature


@dataclass(frozen=True, slots=True)
class Hop:
    field: str  # GraphQL name
    kind: str  # one, list, nodes, edges
    type_name: str  # the GraphQL type it reaches


@dataclass(frozen=True, slots=True)
class Path:
    root: str  # GraphQL root field
    root_kind: str  # object, nodes, edges
    type_name: str  # the root's GraphQL type
    hops: tuple[Hop, ...]

    @property
    def signature(self) -> tuple[str, ...]:
        return (self.root_kind, *(h.kind for h in self.hops))

    @property
    def signature_key(self) -> tuple[Any, ...]:
        return (self.root_kind, *(_SIGNED[h.kind] for h in self.hops))

    @property
    def depth(self) -> int:
        return (
            _ROOT_COST[self.root_kind] + sum(KINDS_COST[h.kind] for h in self.hops) + 1
        )  # + the leaf ``id``

    def query(self, key: str | None = None, page: int = PAGE) -> str:
        inner = "id"
        for hop in reversed(self.hops):
            if hop.kind in ("one", "list"):
                inner = f"id {hop.field} {{ {inner} }}"
            elif hop.kind == "nodes":
                inner = f"id {hop.field}(first: {page}) {{ nodes {{ {inner} }} }}"
            else:
                inner = f"id {hop.field}(first: {page}) {{ edges {{ node {{ {inner} }} }} }}"
        if self.root_kind == "object":
            return f'{{ {self.root}(id: "{key}") {{ {inner} }} }}'
        if self.root_kind == "nodes":
            return f"{{ {self.root}(first: {page}) {{ nodes {{ {inner} }} }} }}"
        return f"{{ {self.root}(first: {page}) {{ edges {{ node {{ {inner} }} }} }} }}"


def entity_of(type_name: str) -> tuple[str, Entity]:
    for name, spec in ENTITIES.items():
        if spec.model.__name__ == type_name:
            return name, spec
    raise KeyError(type_name)


def _hops(schema: GraphQLSchema, type_name: str) -> Iterator[Hop]:
    """The relation fields of a record type the compiled read path answers."""
    _, spec = entity_of(type_name)
    graphql_type = schema.type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType)
    for name, field in graphql_type.fields.items():
        named = get_named_type(field.type)
        if not isinstance(named, GraphQLObjectType):
            continue
        python = snake(name)
        if is_list_type(get_nullable_type(field.type)) and python in spec.to_many:
            yield Hop(name, "list", named.name)
        elif named.name.endswith("Connection") and python in spec.to_many:
            target = named.name.removesuffix("Connection")
            yield Hop(name, "nodes", target)
            yield Hop(name, "edges", target)
        elif python in spec.to_one:
            yield Hop(name, "one", named.name)


def roots(schema: GraphQLSchema) -> Iterator[Path]:
    query = schema.query_type
    assert query is not None
    names = {t.__name__ for t in RECORD_TYPES}
    for name, field in query.fields.items():
        named = get_named_type(field.type)
        if named.name in names and "id" in field.args:
            yield Path(name, "object", named.name, ())
        elif named.name.removesuffix("Connection") in names and named.name.endswith("Connection"):
            target = named.name.removesuffix("Connection")
            yield Path(name, "nodes", target, ())
            yield Path(name, "edges", target, ())


def signatures(schema: GraphQLSchema, max_depth: int) -> dict[tuple[Any, ...], Path]:
    """The first path of every signature that cannot grow within ``max_depth``.

    The signature counts a to-one hop and a list alike (one level, one sub-SELECT; the first
    of the schema's fields found is taken, lists and to-one hops both occur); paths reaching
    the same type with the same signature grow alike, so each such state is walked once."""
    found: dict[tuple[Any, ...], Path] = {}
    seen: set[tuple[Any, ...]] = set()
    stack = list(reversed(list(roots(schema))))
    while stack:
        path = stack.pop()
        last = path.hops[-1].type_name if path.hops else path.type_name
        state = (last, path.signature_key)
        if state in seen:
            continue
        seen.add(state)
        longer = [
            Path(path.root, path.root_kind, path.type_name, (*path.hops, hop))
            for hop in _hops(schema, last)
        ]
        longer = [p for p in longer if p.depth <= max_depth]
        if not longer:
            found.setdefault(path.signature_key, path)
        stack.extend(reversed(longer))
    return found


# -- the naive answer: one plain SELECT per level, no JSON in SQL ------------------------


async def _targets(
    session: AsyncSession, spec: Entity, relation: Relation, parents: list[Any]
) -> list[tuple[Any, Any]]:
    """(parent key, target key) pairs of ``relation`` for the parent rows, by target key."""
    target = ENTITIES[relation.target]
    remote = getattr(target.model, relation.remote)
    pk = getattr(target.model, target.pk)
    local_values = parents
    if relation.local != spec.pk:  # to-one: the parent's column, then the target by it
        local = getattr(spec.model, relation.local)
        parent_pk = getattr(spec.model, spec.pk)
        rows = (await session.execute(select(parent_pk, local).where(parent_pk.in_(parents)))).all()
        found = (
            await session.execute(select(remote, pk).where(remote.in_([v for _, v in rows])))
        ).all()
        by_remote = {r: k for r, k in found}
        return [(p, by_remote[v]) for p, v in rows if v in by_remote]
    if relation.through is not None:
        table = relation.through.table
        source = getattr(table, relation.through.source)
        hop = getattr(table, relation.through.target)
        statement = select(source, pk).join(table, hop == remote).where(source.in_(local_values))
    else:
        statement = select(remote, pk).where(remote.in_(local_values))
    return sorted((await session.execute(statement)).all(), key=lambda r: r[1])


async def naive(
    session: AsyncSession, path: Path, root_keys: list[Any], page_size: int = PAGE
) -> list[Any]:
    """The answer of ``path`` under each root key, built from plain key lookups."""
    _, spec = entity_of(path.type_name)
    levels: list[tuple[Entity, list[tuple[Any, Any]]]] = []
    parents = root_keys
    for hop in path.hops:
        relation = (spec.to_one | spec.to_many)[snake(hop.field)]
        pairs = await _targets(session, spec, relation, parents)
        if hop.kind in ("nodes", "edges"):
            kept: dict[Any, int] = {}
            page = []
            for parent, child in pairs:  # ordered by key, the connections' default order
                if kept.get(parent, 0) < page_size:
                    kept[parent] = kept.get(parent, 0) + 1
                    page.append((parent, child))
            pairs = page
        spec = ENTITIES[relation.target]
        levels.append((spec, pairs))
        parents = list(dict.fromkeys(child for _, child in pairs))

    # Each level's children by parent, in the level's order (looking them up by scanning
    # the level made a fan-out of branches quadratic: 24 s for one path).
    children_of: list[dict[Any, list[Any]]] = []
    for _, pairs in levels:
        by_parent: dict[Any, list[Any]] = {}
        for parent, child in pairs:
            by_parent.setdefault(parent, []).append(child)
        children_of.append(by_parent)

    def build(depth: int, type_name: str, key: Any) -> dict[str, Any]:
        value: dict[str, Any] = {"id": f"{type_name}:{key}"}
        if depth == len(path.hops):
            return value
        hop = path.hops[depth]
        children = children_of[depth].get(key, [])
        inner = [build(depth + 1, hop.type_name, c) for c in children]
        if hop.kind == "one":
            value[hop.field] = inner[0] if inner else None
        elif hop.kind == "list":
            value[hop.field] = inner
        elif hop.kind == "nodes":
            value[hop.field] = {"nodes": inner}
        else:
            value[hop.field] = {"edges": [{"node": n} for n in inner]}
        return value

    return [build(0, path.type_name, key) for key in root_keys]
