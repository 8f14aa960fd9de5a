"""A static cost estimate: roughly how many rows an operation can make the database return.

Reads compile to one SQL statement per root field (resolvers/compiled/), so the work grows with
the rows the statement builds, not with the fields selected. From the document alone:

- a leaf (scalar, enum, ``__typename``) costs 0, and introspection is not counted (walk.py);
- an object field costs 1 plus its selections;
- a connection costs 1 plus its selections, in which ``edges`` and ``nodes`` are lists as long
  as the page asked for (``first``/``last``; 50 when absent, as services/reading.py serves);
  ``totalCount`` and ``pageInfo`` count once;
- any other list of objects costs its length × (1 + its selections), the length being the
  one a vocabulary fixes (FIXED_LENGTHS), else its ``first``/``last``, else 50 (a generous
  guess for the short unpaginated lists).

So ``serviceRecords(first: 100) { nodes { id unit { name } } }`` costs 1 + 100 × 2 = 201.
Inline fragments on the members of an interface or union are all counted, and so are all the
operations of a document (which usually holds one): an upper bound either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    is_composite_type,
)

from resolvers.limits import errors
from resolvers.limits.walk import INTROSPECTION_FIELDS
from services.reading import DEFAULT_PAGE_SIZE
from store.enums import ServiceCategory

PAGE_ARGUMENTS = ("first", "last")
PAGE_PARTS = frozenset({"edges", "nodes"})
# Lists whose length a vocabulary fixes, priced at that length rather than at 50, so that the
# public's statistics (one row per category and per score, under up to 50 groups) stay
# within its ceiling.
FIXED_LENGTHS: dict[tuple[str, str], int] = {
    ("Query", "serviceCategories"): len(ServiceCategory),
    ("StatsServices", "byCategory"): len(ServiceCategory),
    ("StatsSatisfaction", "distribution"): 5,  # scores 1..5 (services/stats.py)
}


def _unwrap(gql_type: Any) -> tuple[Any, bool]:
    """(named type, whether a list is in between)."""
    is_list = False
    while isinstance(gql_type, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(gql_type, GraphQLList)
        gql_type = gql_type.of_type
    return gql_type, is_list


def _is_connection(gql_type: Any) -> bool:
    # The naming convention of schema/types/common.py, which resolvers/compiled relies on too.
    return isinstance(gql_type, GraphQLObjectType) and gql_type.name.endswith("Connection")


class CostEstimate:
    """Run on a document that passed validation: every type and field named in it exists."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        self.schema = schema
        self.variables = variables or {}
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        # A fragment's cost depends only on the page size it is spread under: each is
        # computed once per page size, however often it is spread.
        self._measured: dict[tuple[str, int | None], int] = {}
        # Whether a variable's value went into the total: if not, the document alone fixes
        # it, and a caller may keep it per document (the fast path does).
        self.read_variables = False

    def total(self) -> int:
        roots = {
            OperationType.QUERY: self.schema.query_type,
            OperationType.MUTATION: self.schema.mutation_type,
            OperationType.SUBSCRIPTION: self.schema.subscription_type,
        }
        return sum(
            self._selections(op.selection_set, roots[op.operation], None)
            for op in self.operations
            if roots[op.operation] is not None
        )

    def _selections(
        self, selection_set: SelectionSetNode | None, parent: Any, page: int | None
    ) -> int:
        cost = 0
        for selection in selection_set.selections if selection_set is not None else ():
            if isinstance(selection, FieldNode):
                cost += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                cost += self._selections(selection.selection_set, target, page)
            elif isinstance(selection, FragmentSpreadNode):
                cost += self._fragment(selection.name.value, page)
        return cost

    def _fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key not in self._measured:
            fragment = self.fragments.get(name)
            self._measured[key] = 0  # a cycle (refused before this runs) adds nothing
            if fragment is not None:
                target = self.schema.get_type(fragment.type_condition.name.value)
                self._measured[key] = self._selections(fragment.selection_set, target, page)
        return self._measured[key]

    def _field(self, node: FieldNode, parent: Any, page: int | None) -> int:
        name = node.name.value
        if name in INTROSPECTION_FIELDS or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        named, is_list = _unwrap(definition.type)
        if not is_composite_type(named):
            return 0
        if _is_connection(named):
            return 1 + self._selections(node.selection_set, named, self._page_size(node))
        inner = 1 + self._selections(node.selection_set, named, None)
        if not is_list:
            return inner
        return self._length(node, parent, page) * inner

    def _length(self, node: FieldNode, parent: Any, page: int | None) -> int:
        name = node.name.value
        if page is not None and name in PAGE_PARTS:
            return page  # edges/nodes of a connection: as long as its page
        return FIXED_LENGTHS.get((parent.name, name)) or self._page_size(node)

    def _page_size(self, node: FieldNode) -> int:
        given = [
            size
            for argument in node.arguments or ()
            if argument.name.value in PAGE_ARGUMENTS
            and (size := self._int(argument.value)) is not None
        ]
        return max(0, max(given)) if given else DEFAULT_PAGE_SIZE

    def _int(self, value: Any) -> int | None:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            self.read_variables = True
            given = self.variables.get(value.name.value)
            # bool is an int in Python; a Boolean would fail coercion later anyway
            return given if isinstance(given, int) and not isinstance(given, bool) else None
        return None


def estimate(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None = None
) -> int:
    return CostEstimate(schema, document, variables).total()


def check(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    ceiling: int,
) -> GraphQLError | None:
    cost = estimate(schema, document, variables)
    if cost <= ceiling:
        return None
    return errors.refusal(
        errors.COST_LIMIT,
        f"the operation's estimated cost is {cost}; your role may spend at most {ceiling} "
        "(a list counts its first/last, 50 when absent, times its selections)",
        f"查询代价估算为 {cost}，当前角色上限为 {ceiling}"
        "（列表按 first/last 条数计，缺省为 50 条）",
        cost=cost,
        limit=ceiling,
    )
