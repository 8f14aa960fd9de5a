"""GraphQL selection → selection tree, with fragments, aliases and @skip/@include applied."""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    Undefined,
    VariableNode,
    value_from_ast,
)

from resolvers.compiled.types import ID_FILTERS, TYPES
from schema.ids import BadGlobalId, parse_int_id
from services.errors import DomainError
from services.reading import (
    Connection,
    ConnectionSelection,
    Direction,
    EdgePart,
    Edges,
    Field,
    GlobalId,
    Nodes,
    ObjectSelection,
    PageInfo,
    PageInfoPart,
    Scalar,
    ToMany,
    ToOne,
    TotalCount,
    Typename,
    Withheld,
    page_args,
)

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class BadArgument(DomainError):
    code = "BAD_ID"


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _unwrap(gql_type: Any) -> tuple[Any, bool]:
    """(named type, whether a list is in between)."""
    is_list = False
    while isinstance(gql_type, GraphQLNonNull | GraphQLList):
        if isinstance(gql_type, GraphQLList):
            is_list = True
        gql_type = gql_type.of_type
    return gql_type, is_list


def _python_name(field: GraphQLField, graphql_name: str) -> str:
    definition = (field.extensions or {}).get("strawberry-definition")
    return getattr(definition, "python_name", None) or snake(graphql_name)


class TreeBuilder:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    # -- field collection (GraphQL spec "CollectFields") ---------------------------------

    def collect(
        self, type_: GraphQLObjectType, nodes: list[FieldNode]
    ) -> list[tuple[str, list[FieldNode]]]:
        grouped: dict[str, list[FieldNode]] = {}
        for node in nodes:
            if node.selection_set is not None:
                self._collect(type_, node.selection_set, grouped, set())
        return list(grouped.items())

    def _collect(
        self,
        type_: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, type_):
                    self._collect(type_, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition, type_):
                    self._collect(type_, fragment.selection_set, grouped, visited)

    def _included(self, node: Any) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in (GraphQLSkipDirective.name, GraphQLIncludeDirective.name):
                continue
            condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
            value = value_from_ast(condition, GraphQLBoolean, self.variables)
            if (name == GraphQLSkipDirective.name) == (value is True):
                return False
        return True

    def arguments(self, field: GraphQLField, node: FieldNode) -> dict[str, Any]:
        """Coerced argument values (validation already ran; variables are coerced)."""
        given = {a.name.value: a.value for a in node.arguments or ()}
        values: dict[str, Any] = {}
        for name, argument in field.args.items():
            if name in given:
                value = value_from_ast(given[name], argument.type, self.variables)
                values[name] = None if value is Undefined else value
            elif argument.default_value is not Undefined:
                values[name] = argument.default_value
        return values

    def _applies(self, condition: Any, type_: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        name = condition.name.value
        return name == type_.name or any(i.name == name for i in type_.interfaces)

    # -- objects -------------------------------------------------------------------------

    def object(self, type_: GraphQLObjectType, nodes: list[FieldNode]) -> ObjectSelection:
        served = TYPES[type_.name]
        selection = ObjectSelection(entity=served.entity, type_name=type_.name)
        for key, field_nodes in self.collect(type_, nodes):
            selection.fields.append((key, self._field(type_, field_nodes)))
        return selection

    def _field(self, type_: GraphQLObjectType, nodes: list[FieldNode]) -> Field:
        name = nodes[0].name.value
        if name == "__typename":
            return Typename(type_.name)
        if name == "id":
            return GlobalId()
        if name == "withheldFields":
            return Withheld(self._scalar_names(type_))
        field = type_.fields[name]
        target, is_list = _unwrap(field.type)
        python_name = _python_name(field, name)
        if isinstance(target, GraphQLObjectType):
            if target.name.endswith("Connection"):
                return Connection(python_name, self.connection(target, nodes, field))
            if is_list:
                return ToMany(python_name, self.object(target, nodes))
            return ToOne(python_name, self.object(target, nodes))
        return Scalar(python_name)

    def _scalar_names(self, type_: GraphQLObjectType) -> tuple[tuple[str, str], ...]:
        names = []
        for graphql_name, field in type_.fields.items():
            target, _ = _unwrap(field.type)
            if not isinstance(target, GraphQLObjectType) and graphql_name != "withheldFields":
                names.append((_python_name(field, graphql_name), graphql_name))
        return tuple(names)

    # -- connections ---------------------------------------------------------------------

    def connection(
        self, type_: GraphQLObjectType, nodes: list[FieldNode], field: GraphQLField
    ) -> ConnectionSelection:
        raw = self.arguments(field, nodes[0])
        node_type, _ = _unwrap(type_.fields["nodes"].type)
        order = raw.get("orderBy") or {}
        sort = order.get("field")
        direction = order.get("direction")
        args = page_args(
            first=raw.get("first"),
            after=raw.get("after"),
            last=raw.get("last"),
            before=raw.get("before"),
            filter=self._filter(raw.get("filter") or {}),
            sort=str(sort.value) if sort is not None else "id",
            direction=Direction.DESC
            if direction is not None and direction.value == "desc"
            else Direction.ASC,
        )
        selection = ConnectionSelection(args=args)
        for key, part_nodes in self.collect(type_, nodes):
            part = part_nodes[0].name.value
            if part == "__typename":
                selection.fields.append((key, Typename(type_.name)))
            elif part == "totalCount":
                selection.fields.append((key, TotalCount()))
            elif part == "nodes":
                selection.fields.append((key, Nodes(self.object(node_type, part_nodes))))
            elif part == "pageInfo":
                selection.fields.append((key, self._page_info(type_, part_nodes)))
            elif part == "edges":
                selection.fields.append((key, self._edges(type_, part_nodes, node_type)))
        return selection

    def _edges(
        self, type_: GraphQLObjectType, nodes: list[FieldNode], node_type: GraphQLObjectType
    ) -> Edges:
        edge_type, _ = _unwrap(type_.fields["edges"].type)
        edges = Edges()
        for key, part_nodes in self.collect(edge_type, nodes):
            part = part_nodes[0].name.value
            if part == "cursor":
                edges.fields.append((key, EdgePart.CURSOR))
            elif part == "node":
                edges.fields.append((key, self.object(node_type, part_nodes)))
            elif part == "__typename":
                edges.fields.append((key, Typename(edge_type.name)))
        return edges

    def _page_info(self, type_: GraphQLObjectType, nodes: list[FieldNode]) -> PageInfo:
        info_type, _ = _unwrap(type_.fields["pageInfo"].type)
        info = PageInfo()
        for key, part_nodes in self.collect(info_type, nodes):
            part = part_nodes[0].name.value
            if part == "__typename":
                info.fields.append((key, Typename(info_type.name)))
            else:
                info.fields.append((key, PageInfoPart(part)))
        return info

    def _filter(self, raw: dict[str, Any]) -> dict[str, Any]:
        converted: dict[str, Any] = {}
        for key, value in raw.items():
            name = snake(key)
            if value is not None and name in ID_FILTERS:
                value = [self._id(f"filter.{key}", v, ID_FILTERS[name]) for v in value]
            converted[name] = value
        return converted

    def _id(self, field: str, value: str, expected: str) -> int:
        try:
            return parse_int_id(value, expected)
        except BadGlobalId as exc:
            raise BadArgument(
                f"{field}：ID 无效，应为 {expected}:<数字>",
                f"{field}: bad id, expected {expected}:<number> ({exc})",
            ) from exc


# -- the same tree again ---------------------------------------------------------------


def _holds_variable(value: Any) -> bool:
    """Whether a value node is or holds a variable (lists and input objects nest)."""
    if isinstance(value, VariableNode):
        return True
    items = getattr(value, "values", None)  # ListValueNode
    if isinstance(items, tuple | list):
        return any(_holds_variable(v) for v in items)
    fields = getattr(value, "fields", None)  # ObjectValueNode
    if isinstance(fields, tuple | list):
        return any(_holds_variable(f.value) for f in fields)
    return False


def _reads_variables(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visited: set[str],
) -> bool:
    """Whether building the tree below reads a variable: an argument or a directive of a
    field, an inline fragment or a spread fragment, at any depth."""
    for selection in selection_set.selections if selection_set is not None else ():
        for directive in selection.directives or ():
            if any(_holds_variable(a.value) for a in directive.arguments or ()):
                return True
        if isinstance(selection, FieldNode):
            if any(_holds_variable(a.value) for a in selection.arguments or ()):
                return True
            if _reads_variables(selection.selection_set, fragments, visited):
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _reads_variables(selection.selection_set, fragments, visited):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if name in visited or fragment is None:
                continue
            visited.add(name)
            if any(
                _holds_variable(a.value)
                for directive in fragment.directives or ()
                for a in directive.arguments or ()
            ):
                return True
            if _reads_variables(fragment.selection_set, fragments, visited):
                return True
    return False


class ObjectSelections:
    """The object trees of root fields whose selections read no variable, kept per field
    node: such a tree is the same for every request of the document (its root's own
    arguments — the id — are not part of it), so a client asking for record after record
    with one document has it built once (``TreeBuilder.object``: about a tenth of a point
    lookup's CPU, bench/RESULTS.md). Keyed by the nodes' identities, which the parsed
    document cache keeps stable; the nodes are held, so an identity is never reused while
    its entry lives. Bounded (LRU). The trees are never changed once built."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._kept: OrderedDict[
            tuple[str, tuple[int, ...]], tuple[list[FieldNode], ObjectSelection | None]
        ] = OrderedDict()

    def object(
        self, builder: TreeBuilder, type_: GraphQLObjectType, nodes: list[FieldNode]
    ) -> ObjectSelection:
        key = (type_.name, tuple(map(id, nodes)))
        kept = self._kept.get(key)
        if kept is not None and all(a is b for a, b in zip(kept[0], nodes, strict=True)):
            self._kept.move_to_end(key)
            if kept[1] is not None:
                return kept[1]
            return builder.object(type_, nodes)  # reads variables: built every time
        variable = any(
            _reads_variables(node.selection_set, builder.fragments, set()) for node in nodes
        )
        selection = builder.object(type_, nodes)
        self._kept[key] = (list(nodes), None if variable else selection)
        if len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return selection


OBJECT_SELECTIONS = ObjectSelections()
